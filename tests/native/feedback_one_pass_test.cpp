// parse_and_validate_feedback (one pass) must answer exactly as
// parse_feedback_text followed by validate_feedback: the same value, the
// same issues (path, code, message) in the same order, for every text.
// Run over every rule's examples, the seeded fuzz corpus, each under
// several limits, and over truncations and byte flips of all of them.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "feedback/validate.hpp"

#ifndef TF_SOURCE_DIR
#error "TF_SOURCE_DIR (the repository root) must be defined by CMakeLists.txt"
#endif

namespace {

using tf::Issues;
using tf::Limits;

std::vector<std::string> examples() {
  std::vector<std::string> out = {
      R"({"rating": true, "score": 4, "comment": "Clear and correct; the second example was exactly what I needed.", "actions": {"copied": true, "copy_count": 2}})",
      R"({"rating": 5, "step1": {"retry": true}, "ground_truth": "x"})",
      R"({"step1": {"retry": null}, "edits": [{"value": null}]})",
      R"({"a":{"a":{"a":{"a":{"a":{"x":1}}}}}})",
      R"({"a":{"a":{"a":{"a":{"a":{"a":{"x":1}}}}}}})",
      R"({"edits":[{"a":{"a":{"a":{"a":{"x":1}}}}}]})",
      R"({"edits":[{"a":{"a":{"a":{"a":{"a":{"x":1}}}}}}]})",
      R"({"m":[[1]], "n":[[[1]]], "o": [[{"p": [[2]]}]]})",
      R"([1, 2])", R"("text")", R"(null)", R"(3.5)", R"({})",
      R"({"": 1, "a.b": 2, "way_too_long_key_way_too_long_key": 3, "__proto__": 4, "ok": {"constructor": 5, "prototype": 6}})",
      R"({"s": "0123456789abcdefghij", "f": 1e5, "g": 1.5e300, "i": -12, "u": 18446744073709551615, "big": 1e400})",
      R"({"ground_truth": 1, "rating": "good", "score": "high", "comment": 3, "actions": [true], "edits": {"0": {}}})",
      R"({"score": 0.5, "rating": false, "actions": {"copied": 2, "n": -1, "s": "x", "z": null, "o": {}}})",
      R"({"score": 9, "edits": [1, {"value": "v"}, "s", []]})",
      R"({"step1": {"rating": "good", "ground_truth": 1}})",
      R"({"a": null, "b": null, "c": null, "d": null, "e": null, "f": null})",
      R"({"k": "caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n\t", "k": "dup wins"})",
      R"({"x": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]})",
      R"(  {"rating" : true ,  "score" : 1e1 }  )",
      R"({"rating": true} trailing)", R"({"rating": tru})", R"({"a":1,})", "",
      "{\"bad\": \"\xff\xfe\"}", "{\"\xc3\x28\": 1}",
  };
  std::string deep;
  for (int i = 0; i < 70; ++i) deep += "{\"d\":";
  out.push_back(deep + "1" + std::string(70, '}'));
  std::string wide = "{";
  for (int i = 0; i < 60; ++i) wide += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":null";
  out.push_back(wide + "}");
  out.push_back("{\"long\": \"" + std::string(70000, 'x') + "\"}");
  // The seeded fuzz corpus of validation.
  for (const char* name : {"seed_bad", "seed_common", "seed_nested"}) {
    const std::string path = std::string(TF_SOURCE_DIR) + "/tests/fuzz/corpus/validate/" + name;
    std::ifstream in(path, std::ios::binary);
    INFO(path);
    REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    out.push_back(text.str());
  }
  return out;
}

std::vector<Limits> limit_sets() {
  Limits tight;
  tight.max_object_depth = 2;
  tight.max_array_depth = 1;
  tight.max_key_bytes = 8;
  tight.max_string_bytes = 10;
  tight.max_total_bytes = 64;
  tight.max_issues = 3;
  tight.score_min = 1;
  tight.score_max = 5;
  Limits roomy;
  roomy.max_total_bytes = 100000;
  roomy.max_string_bytes = 100000;
  return {Limits{}, tight, roomy};
}

void same(const std::string& text, const Limits& limits) {
  Issues two;
  const auto a = tf::parse_feedback_text(text, limits, two);
  if (two.empty()) two = tf::validate_feedback(a, limits);
  Issues one;
  const auto b = tf::parse_and_validate_feedback(text, limits, one);
  CAPTURE(text.substr(0, 200));
  REQUIRE(one.size() == two.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    CHECK(one[i].path == two[i].path);
    CHECK(one[i].code == two[i].code);
    CHECK(one[i].message == two[i].message);
  }
  CHECK(a.is_discarded() == b.is_discarded());
  if (!a.is_discarded()) CHECK(a == b);
}

}  // namespace

TEST_CASE("one pass answers as parse then validate, issue for issue", "[validate][one-pass]") {
  const auto texts = examples();
  const auto limits = limit_sets();
  std::size_t compared = 0;
  for (const auto& l : limits) {
    for (const auto& t : texts) {
      same(t, l);
      ++compared;
      if (t.size() > 4096) continue;
      // Every truncation and a byte flip at every position: broken and
      // borderline texts take the same answers too.
      for (std::size_t cut = 0; cut < t.size(); cut += 3) {
        same(t.substr(0, cut), l);
        std::string flipped = t;
        flipped[cut] = static_cast<char>(flipped[cut] ^ 0x20);
        same(flipped, l);
        compared += 2;
      }
    }
  }
  CHECK(compared > 1000);
}
