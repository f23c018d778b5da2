// Validation rules of the feedback model: the seed's examples, HoneyHive's
// nesting limits at their boundaries, our caps, and the well-known fields.
#include <catch2/catch.hpp>

#include <string>

#include "feedback/validate.hpp"

using nlohmann::json;
using tf::Limits;
using tf::validate_feedback;

namespace {

json parse(const char* text) { return json::parse(text); }

bool has(const tf::Issues& issues, const std::string& path, const std::string& code) {
  for (const auto& i : issues) {
    if (i.path == path && i.code == code) return true;
  }
  return false;
}

// {"a":{"a":...{"a":true}}} with `objects` nested objects below the top
// (the top-level object itself is the extra wrap).
json nested_objects(int objects) {
  json v = true;
  for (int i = 0; i <= objects; ++i) v = json{{"a", v}};
  return v;
}

json nested_arrays(int arrays) {
  json v = 1;
  for (int i = 0; i < arrays; ++i) v = json::array({v});
  return json{{"m", v}};
}

std::string deep_path(int objects) {
  std::string p = "feedback";
  for (int i = 0; i < objects; ++i) p += ".a";
  return p;
}

}  // namespace

TEST_CASE("the seed's feedback examples are valid") {
  const Limits limits;
  CHECK(validate_feedback(parse(R"({"rating": 5, "step1": {"retry": true},
                                     "edits": [{"value": "New York"}]})"),
                          limits)
            .empty());
  CHECK(validate_feedback(parse(R"({"rating": true, "score": 4, "comment": "Great response",
                                     "ground_truth": "Expected answer",
                                     "actions": {"copied": true, "regenerated": false}})"),
                          limits)
            .empty());
  CHECK(validate_feedback(parse(R"({"rating": true, "comment": "The model hallucinated",
                                     "user_id": "u-42",
                                     "ground_truth": "The capital of New York is Albany"})"),
                          limits)
            .empty());
}

TEST_CASE("drill-down paths name the offending leaf") {
  const auto issues = validate_feedback(
      parse(R"({"step1": {"retry": null}, "edits": [{"value": null}]})"), Limits{});
  REQUIRE(issues.size() == 2);
  CHECK(has(issues, "feedback.step1.retry", "null_value"));
  CHECK(has(issues, "feedback.edits.0.value", "null_value"));
  for (const auto& i : issues) CHECK(i.message.rfind(i.path + ": ", 0) == 0);
}

TEST_CASE("object nesting: 5 levels accepted, 6 rejected at the sixth object") {
  const Limits limits;
  // feedback.a.a.a.a.a is the 5th nested object; its leaf "a" is allowed.
  CHECK(validate_feedback(nested_objects(5), limits).empty());
  const auto issues = validate_feedback(nested_objects(6), limits);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].code == "max_object_depth");
  CHECK(issues[0].path == deep_path(6));
}

TEST_CASE("objects inside arrays count as nested objects") {
  const Limits limits;
  // edits.0 is at object depth 1, so four more objects fit below it.
  CHECK(validate_feedback(parse(R"({"edits":[{"a":{"a":{"a":{"a":{"x":1}}}}}]})"), limits)
            .empty());
  const auto issues =
      validate_feedback(parse(R"({"edits":[{"a":{"a":{"a":{"a":{"a":{"x":1}}}}}}]})"), limits);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].path == "feedback.edits.0.a.a.a.a.a");
}

TEST_CASE("array nesting: 2 levels accepted, 3 rejected") {
  const Limits limits;
  CHECK(validate_feedback(nested_arrays(2), limits).empty());
  const auto issues = validate_feedback(nested_arrays(3), limits);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].code == "max_array_depth");
  CHECK(issues[0].path == "feedback.m.0.0");
}

TEST_CASE("very deep input is rejected without walking it") {
  json v = 1;
  for (int i = 0; i < 10000; ++i) v = json{{"a", std::move(v)}};
  const auto issues = validate_feedback(v, Limits{});
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].code == "max_object_depth");
}

TEST_CASE("the top level must be an object") {
  for (const char* text : {"[]", "1", "\"x\"", "true", "null"}) {
    const auto issues = validate_feedback(parse(text), Limits{});
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].code == "not_an_object");
    CHECK(issues[0].path == "feedback");
  }
  CHECK(validate_feedback(json::object(), Limits{}).empty());
}

TEST_CASE("keys: non-empty, no dots, bounded, not prototype names") {
  Limits limits;
  limits.max_key_bytes = 12;
  const auto issues = validate_feedback(
      parse(R"({"": 1, "a.b": 2, "way_too_long_key": 3, "__proto__": 4, "ok": {"constructor": 5}})"),
      limits);
  CHECK(has(issues, "feedback.\"\"", "empty_key"));
  CHECK(has(issues, "feedback.a.b", "key_contains_dot"));
  CHECK(has(issues, "feedback.way_too_long_key", "key_too_long"));
  CHECK(has(issues, "feedback.__proto__", "forbidden_key"));
  CHECK(has(issues, "feedback.ok.constructor", "forbidden_key"));
  CHECK(issues.size() == 5);
}

TEST_CASE("strings, numbers and total size are capped") {
  Limits limits;
  limits.max_string_bytes = 4;
  limits.max_total_bytes = 40;
  json fb = {{"comment", "12345"}, {"n", std::numeric_limits<double>::infinity()},
             {"padding", "1234"}};
  fb["more"] = json::array({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  const auto issues = validate_feedback(fb, limits);
  CHECK(has(issues, "feedback.comment", "string_too_long"));
  CHECK(has(issues, "feedback.n", "non_finite_number"));
  CHECK(has(issues, "feedback", "too_large"));
  limits.max_string_bytes = 5;
  CHECK_FALSE(has(validate_feedback(fb, limits), "feedback.comment", "string_too_long"));
}

TEST_CASE("the default total cap keeps one update under 64 KiB") {
  const Limits limits;
  CHECK(limits.max_total_bytes < 64 * 1024);
  json fb = json::object();
  for (int i = 0; i < 5; ++i) fb["s" + std::to_string(i)] = std::string(15000, 'x');
  CHECK(has(validate_feedback(fb, limits), "feedback", "too_large"));
}

TEST_CASE("invalid UTF-8 is reported, never thrown") {
  json fb = {{"comment", std::string("bad \xff byte")}};
  fb[std::string("k\xc3")] = 1;
  const auto issues = validate_feedback(fb, Limits{});
  CHECK(has(issues, "feedback.comment", "invalid_utf8"));
  CHECK(issues.size() == 2);
}

TEST_CASE("well-known fields have their types") {
  Limits limits;
  limits.score_min = 1;
  limits.score_max = 5;
  const auto issues = validate_feedback(parse(R"({
      "ground_truth": 3, "rating": "yes", "score": 6, "comment": false,
      "actions": {"copied": true, "copy_count": -1, "how": "fast"},
      "edits": [{"value": "x"}, "y"]})"),
                                        limits);
  CHECK(has(issues, "feedback.ground_truth", "wrong_type"));
  CHECK(has(issues, "feedback.rating", "wrong_type"));
  CHECK(has(issues, "feedback.score", "out_of_range"));
  CHECK(has(issues, "feedback.comment", "wrong_type"));
  CHECK(has(issues, "feedback.actions.copy_count", "out_of_range"));
  CHECK(has(issues, "feedback.actions.how", "wrong_type"));
  CHECK(has(issues, "feedback.edits.1", "wrong_type"));
  CHECK(issues.size() == 7);
  CHECK(validate_feedback(parse(R"({"score": 5, "rating": false, "actions": {"copied": 2}})"),
                          limits)
            .empty());
  CHECK(has(validate_feedback(parse(R"({"actions": [true]})"), limits), "feedback.actions",
            "wrong_type"));
  CHECK(has(validate_feedback(parse(R"({"edits": {"0": {}}})"), limits), "feedback.edits",
            "wrong_type"));
}

TEST_CASE("well-known names are only special at the top") {
  CHECK(validate_feedback(parse(R"({"step1": {"rating": "good", "ground_truth": 1}})"), Limits{})
            .empty());
}

TEST_CASE("every violation is reported, up to the cap") {
  Limits limits;
  limits.max_issues = 3;
  json fb = json::object();
  for (int i = 0; i < 10; ++i) fb["k" + std::to_string(i)] = nullptr;
  const auto issues = validate_feedback(fb, limits);
  REQUIRE(issues.size() == 4);
  CHECK(issues.back().code == "too_many_issues");
  CHECK(validate_feedback(fb, Limits{}).size() == 10);
}

TEST_CASE("limits are read from camelCase options") {
  Limits limits;
  CHECK(tf::parse_limits(parse(R"({"maxStringBytes": 10, "scoreMin": 1, "scoreMax": 5,
                                   "maxObjectDepth": 3})"),
                         limits)
            .empty());
  CHECK(limits.max_string_bytes == 10);
  CHECK(limits.max_object_depth == 3);
  REQUIRE(limits.score_max);
  CHECK(*limits.score_max == 5);
  Limits other;
  const auto issues =
      tf::parse_limits(parse(R"({"maxObjectDepth": 9, "nope": 1, "maxKeyBytes": "x"})"), other);
  CHECK(has(issues, "options.maxObjectDepth", "invalid_options"));
  CHECK(has(issues, "options.nope", "invalid_options"));
  CHECK(has(issues, "options.maxKeyBytes", "invalid_options"));
  CHECK(other.max_object_depth == 5);
  CHECK(has(tf::parse_limits(parse(R"({"scoreMin": 5, "scoreMax": 1})"), other),
            "options.scoreMin", "invalid_options"));
}

TEST_CASE("UUIDs") {
  CHECK(tf::is_uuid("123e4567-e89b-12d3-a456-426614174000"));
  CHECK(tf::is_uuid("123E4567-E89B-12D3-A456-426614174000"));
  CHECK_FALSE(tf::is_uuid("123e4567e89b12d3a456426614174000"));
  CHECK_FALSE(tf::is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
  CHECK_FALSE(tf::is_uuid("../../admin/xxxxxxxxxxxxxxxxxxxxxxxxxx"));
  CHECK_FALSE(tf::is_uuid(""));
}
