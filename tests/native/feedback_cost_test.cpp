// Hostile values cost little (issue 11.6, C++ side): the validation walk
// stops at the first issue past the cap, refuses containers that cannot
// fit before walking them, does not rescan oversized strings, and the text
// is size- and depth-checked before it is parsed. Each case prints how long
// it took (a figure, not an assertion: timings flake).
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "client/client_core.hpp"
#include "feedback/validate.hpp"

using nlohmann::json;

namespace {

bool has(const tf::Issues& issues, const std::string& path, const std::string& code) {
  for (const auto& i : issues) {
    if (i.path == path && i.code == code) return true;
  }
  return false;
}

template <typename F>
auto timed(const char* what, F f) {
  const auto t0 = std::chrono::steady_clock::now();
  auto out = f();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
  std::printf("validation cost: %-40s %8lld us\n", what, static_cast<long long>(us));
  return out;
}

}  // namespace

TEST_CASE("a 1e5-item array of nulls is one too_large, not 100,001 issues", "[feedback][cost]") {
  json fb = {{"a", json::array()}};
  for (int i = 0; i < 100000; ++i) fb["a"].push_back(nullptr);
  const tf::Limits limits;
  const auto issues = timed("1e5 nulls (sparse array)", [&] { return validate_feedback(fb, limits); });
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].code == "too_large");
  CHECK(issues[0].message.find("feedback.a holds 100000 items") != std::string::npos);
}

TEST_CASE("many small issues stop at the cap", "[feedback][cost]") {
  // Under the size bound, but every item is an issue: the walk stops at 50.
  json fb = {{"a", json::array()}};
  for (int i = 0; i < 20000; ++i) fb["a"].push_back(nullptr);
  const tf::Limits limits;
  const auto issues = timed("2e4 nulls", [&] { return validate_feedback(fb, limits); });
  CHECK(issues.size() == limits.max_issues + 1);
  CHECK(issues.back().code == "too_many_issues");
  // Members of one object too: keys past the cap are not checked.
  json keys = json::object();
  for (int i = 0; i < 20000; ++i) keys["k." + std::to_string(i)] = 1;
  const auto key_issues = timed("2e4 dotted keys", [&] { return validate_feedback(keys, limits); });
  CHECK(key_issues.size() == limits.max_issues + 1);
}

TEST_CASE("a huge string is refused by its length, not scanned", "[feedback][cost]") {
  json fb = {{"comment", std::string(50'000'000, 'x')}};
  fb["comment"].get_ref<std::string&>()[49'999'999] = '\xff';  // invalid UTF-8 at the very end
  const tf::Limits limits;
  const auto issues = timed("50 MB string", [&] { return validate_feedback(fb, limits); });
  CHECK(has(issues, "feedback.comment", "string_too_long"));
  CHECK(has(issues, "feedback", "too_large"));
  CHECK_FALSE(has(issues, "feedback.comment", "invalid_utf8"));
}

TEST_CASE("text is checked for size and depth before it is parsed", "[feedback][cost]") {
  tf::ClientCore core("{}");
  const std::string big = "{\"comment\":\"" + std::string(100'000'000, 'x') + "\"}";
  const json r = json::parse(timed("100 MB text capture", [&] { return core.capture("", big, 1); }));
  CHECK(r["ok"] == false);
  REQUIRE(r["errors"].size() == 1);
  CHECK(r["errors"][0]["code"] == "too_large");
  CHECK(r["errors"][0]["path"] == "feedback");

  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  const json d = json::parse(timed("5000-deep text", [&] { return core.capture("", "{\"a\":" + deep + "}", 1); }));
  CHECK(d["ok"] == false);
  CHECK(d["errors"][0]["code"] == "max_object_depth");
  CHECK(json::parse(core.engine().stats())["queued"] == 0);  // nothing queued by either

  // Just under the text bound still parses and gets its real issues.
  const tf::Limits limits;
  tf::Issues issues;
  const auto v = tf::parse_feedback_text("{\"a\":null}", limits, issues);
  CHECK(issues.empty());
  CHECK(has(validate_feedback(v, limits), "feedback.a", "null_value"));
}
