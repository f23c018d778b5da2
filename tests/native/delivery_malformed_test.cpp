// Malformed answers (issue 11.3) and failure causes (11.9), through the
// JSON boundary the client uses. Any answer that is not exactly one
// well-formed result per update counts as a failed request for each update
// in it: retried by the normal policy, then dead-lettered with the cause.
// Nothing is ever left in flight. Fake clock.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "delivery/json_api.hpp"

using nlohmann::json;
using tf::delivery::JsonEngine;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-00000000000a";
const std::string kB = "bbbbbbbb-0000-4000-8000-00000000000b";

json J(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

const std::string kConfig =
    R"({"clientId":"m","jitter":0,"retryBaseMs":1000,"maxAttempts":2,"flushIntervalMs":0})";

// Two updates in one request r-1 (ids m-1, m-2).
JsonEngine two_in_flight() {
  JsonEngine e(kConfig);
  REQUIRE(J(e.enqueue(kA, R"({"rating":1})", 0))["ok"] == true);
  REQUIRE(J(e.enqueue(kB, R"({"rating":2})", 0))["ok"] == true);
  const json reqs = J(e.takeReady(0, "explicit"));
  REQUIRE(reqs.size() == 1);
  REQUIRE(reqs[0]["id"] == "r-1");
  REQUIRE(reqs[0]["updates"].size() == 2);
  return e;
}

std::string huge_array(std::size_t n) {
  std::string s = "[";
  for (std::size_t i = 0; i < n; ++i) s += i ? ",{\"id\":\"m-1\",\"status\":200}" : "{\"id\":\"m-1\",\"status\":200}";
  return s + "]";
}

}  // namespace

TEST_CASE("every malformed answer fails each update, then dead-letters with the cause",
          "[delivery][malformed]") {
  struct Case {
    const char* name;
    std::string results;
    const char* why;  // expected text after "malformed answer: "
  };
  const std::vector<Case> cases = {
      {"status 1000", R"([{"id":"m-1","status":1000},{"id":"m-2","status":200}])",
       "results[0].status: expected an integer 0 or 100..599"},
      {"status -1", R"([{"id":"m-1","status":200},{"id":"m-2","status":-1}])",
       "results[1].status: expected an integer 0 or 100..599"},
      {"status 200.5", R"([{"id":"m-1","status":200.5},{"id":"m-2","status":200}])",
       "results[0].status: expected an integer 0 or 100..599"},
      {"status \"200\"", R"([{"id":"m-1","status":"200"},{"id":"m-2","status":200}])",
       "results[0].status: expected an integer 0 or 100..599"},
      {"status 99", R"([{"id":"m-1","status":99},{"id":"m-2","status":200}])",
       "results[0].status: expected an integer 0 or 100..599"},
      {"status null", R"([{"id":"m-1","status":null},{"id":"m-2","status":200}])",
       "results[0].status: expected an integer 0 or 100..599"},
      {"status missing", R"([{"id":"m-1"},{"id":"m-2","status":200}])",
       "results[0].status: expected an integer 0 or 100..599"},
      {"null", "null", "results: expected an array"},
      {"empty object", "{}", "results: expected an array"},
      {"string", R"("ok")", "results: expected an array"},
      {"not JSON", "<html>502 Bad Gateway</html>", "results: not valid JSON (or nested too deep)"},
      {"empty text", "", "results: not valid JSON (or nested too deep)"},
      {"too short", R"([{"id":"m-1","status":200}])", "results: expected 2 (one per update), got 1"},
      {"too long",
       R"([{"id":"m-1","status":200},{"id":"m-2","status":200},{"id":"m-3","status":200}])",
       "results: expected 2 (one per update), got 3"},
      {"empty array", "[]", "results: expected 2 (one per update), got 0"},
      {"huge array", huge_array(100000), "results: expected 2 (one per update), got 100000"},
      {"element not an object", R"([[],{"id":"m-2","status":200}])", "results[0]: expected an object"},
      {"element null", R"([null,{"id":"m-2","status":200}])", "results[0]: expected an object"},
      {"missing id", R"([{"status":200},{"id":"m-2","status":200}])",
       "results[0].id: expected a string"},
      {"numeric id", R"([{"id":1,"status":200},{"id":"m-2","status":200}])",
       "results[0].id: expected a string"},
      {"foreign id", R"([{"id":"m-9","status":200},{"id":"m-2","status":200}])",
       "results[0].id: not an update of this request"},
      {"duplicate ids", R"([{"id":"m-1","status":200},{"id":"m-1","status":200}])",
       "results[1].id: duplicate"},
      {"code not a string", R"([{"id":"m-1","status":404,"code":{"a":1}},{"id":"m-2","status":200}])",
       "results[0].code: expected a string"},
      {"retryAfter an object",
       R"([{"id":"m-1","status":503,"retryAfter":{}},{"id":"m-2","status":200}])",
       "results[0].retryAfter: expected a string or a number of seconds"},
      {"retryAfter negative",
       R"([{"id":"m-1","status":503,"retryAfter":-3},{"id":"m-2","status":200}])",
       "results[0].retryAfter: expected seconds from 0 to 1e9"},
      {"nested garbage", std::string(60, '[') + std::string(60, ']'),
       "results: expected 2 (one per update), got 1"},
      {"deeper than the parser takes", std::string(100, '[') + std::string(100, ']'),
       "results: not valid JSON (or nested too deep)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    JsonEngine e = two_in_flight();
    const json out = J(e.onResult("r-1", c.results, 10));
    CHECK(out["ok"] == true);
    CHECK(out["knownRequest"] == true);
    // Nothing delivered, both retrying, nothing in flight.
    CHECK(out["delivered"] == json::array());
    CHECK(out["retrying"] == json::array({"m-1", "m-2"}));
    CHECK(J(e.stats())["inFlight"] == 0);
    CHECK(J(e.stats())["queued"] == 2);

    // The retry gets the same treatment; with maxAttempts 2 it dead-letters.
    const json again = J(e.takeReady(1010, "tick"));
    REQUIRE(again.size() == 1);
    const json last = J(e.onResult(again[0]["id"].get<std::string>(), c.results, 1020));
    CHECK(last["deadLettered"] == json::array({"m-1", "m-2"}));
    CHECK(J(e.stats())["inFlight"] == 0);
    CHECK(J(e.stats())["queued"] == 0);
    const json dead = J(e.takeDeadLetters());
    REQUIRE(dead.size() == 2);
    const std::string cause = std::string("malformed answer: ") + c.why;
    for (const auto& d : dead) {
      CHECK(d["cause"] == cause);
      CHECK(d["code"] == "max_attempts");
      CHECK(d["status"] == 0);
      CHECK(d["message"] == "dead-lettered after 2 attempts; last: " + cause);
    }
  }
}

TEST_CASE("a later update to the same event is not wedged by a malformed answer",
          "[delivery][malformed]") {
  JsonEngine e(kConfig);
  J(e.enqueue(kA, R"({"rating":1})", 0));
  const json r1 = J(e.takeReady(0, "explicit"));
  J(e.enqueue(kA, R"({"comment":"x"})", 5));  // waits behind m-1
  J(e.onResult("r-1", R"([{"id":"m-1","status":1000}])", 10));
  const json r2 = J(e.takeReady(1010, "tick"));
  REQUIRE(r2.size() == 1);
  CHECK(r2[0]["updates"][0]["id"] == "m-1");
  J(e.onResult(r2[0]["id"].get<std::string>(), R"([{"id":"m-1","status":200}])", 1020));
  const json r3 = J(e.takeReady(1020, "explicit"));
  REQUIRE(r3.size() == 1);
  CHECK(r3[0]["updates"][0]["id"] == "m-2");
}

TEST_CASE("well-formed answers: code, retryAfter as string or seconds", "[delivery][malformed]") {
  JsonEngine e = two_in_flight();
  const json out = J(e.onResult(
      "r-1",
      R"([{"id":"m-2","status":503,"code":"overloaded","retryAfter":2.5},{"id":"m-1","status":429,"retryAfter":"4","code":null}])",
      10));
  CHECK(out["retrying"] == json::array({"m-1", "m-2"}));
  CHECK(e.nextWake(10) == 3010);  // m-2: 2.5 s rounded up to 3 s
}

TEST_CASE("onRequestFailed keeps the cause; singular and plural attempts",
          "[delivery][malformed][cause]") {
  SECTION("one attempt, final status") {
    JsonEngine e(kConfig);
    J(e.enqueue(kA, R"({"rating":1})", 0));
    J(e.takeReady(0, "explicit"));
    J(e.onRequestFailed("r-1", 403, "", "proxy answered 403 (origin_not_allowed)", 5));
    const json dead = J(e.takeDeadLetters());
    REQUIRE(dead.size() == 1);
    CHECK(dead[0]["cause"] == "proxy answered 403 (origin_not_allowed)");
    CHECK(dead[0]["message"] ==
          "dead-lettered after 1 attempt; last: proxy answered 403 (origin_not_allowed)");
  }
  SECTION("the last cause wins over earlier ones") {
    JsonEngine e(kConfig);
    J(e.enqueue(kA, R"({"rating":1})", 0));
    J(e.takeReady(0, "explicit"));
    J(e.onRequestFailed("r-1", 0, "", "CORS preflight refused", 5));
    const json again = J(e.takeReady(1005, "tick"));
    REQUIRE(again.size() == 1);
    J(e.onRequestFailed(again[0]["id"].get<std::string>(), 0, "",
                        "network error or timeout (POST https://app/feedback)", 1010));
    const json dead = J(e.takeDeadLetters());
    REQUIRE(dead.size() == 1);
    CHECK(dead[0]["message"] ==
          "dead-lettered after 2 attempts; last: network error or timeout (POST "
          "https://app/feedback)");
  }
  SECTION("no cause given: described from the status; odd statuses count as 0") {
    JsonEngine e(kConfig);
    J(e.enqueue(kA, R"({"rating":1})", 0));
    J(e.takeReady(0, "explicit"));
    const json out = J(e.onRequestFailed("r-1", 1234, "", "", 5));
    CHECK(out["retrying"] == json::array({"m-1"}));
    CHECK(J(e.stats())["inFlight"] == 0);
    const json again = J(e.takeReady(1005, "tick"));
    J(e.onRequestFailed(again[0]["id"].get<std::string>(), 502, "", "", 1010));
    const json dead = J(e.takeDeadLetters());
    REQUIRE(dead.size() == 1);
    CHECK(dead[0]["cause"] == "answered 502");
  }
  SECTION("a huge cause is cut, and survives a snapshot") {
    JsonEngine e(kConfig);
    J(e.enqueue(kA, R"({"rating":1})", 0));
    J(e.takeReady(0, "explicit"));
    J(e.onRequestFailed("r-1", 0, "", std::string(100000, 'x'), 5));
    const json snap = J(e.snapshot());
    const std::string kept = snap["updates"][0]["last_cause"];
    CHECK(kept.size() < 400);
    JsonEngine f(kConfig);
    CHECK(J(f.restore(snap.dump(), 10))["ok"] == true);
    CHECK(J(f.snapshot())["updates"][0]["last_cause"] == kept);
  }
  SECTION("never sent: before any attempt") {
    JsonEngine e(R"({"clientId":"m","maxAgeMs":100})");
    J(e.enqueue("", R"({"rating":1})", 0));
    J(e.takeReady(200, "tick"));
    const json dead = J(e.takeDeadLetters());
    REQUIRE(dead.size() == 1);
    CHECK(dead[0]["message"] == "dead-lettered before any attempt (max_age)");
  }
}
