// Merge of repeated updates to one target: the result must equal what
// HoneyHive stores after receiving the updates one by one.
#include <catch2/catch.hpp>

#include "feedback/merge.hpp"

using nlohmann::json;

TEST_CASE("objects merge key by key, recursively") {
  json into = json::parse(R"({"rating": true, "actions": {"copied": true, "copy_count": 1}})");
  tf::merge_feedback(into, json::parse(R"({"comment": "ok", "actions": {"copy_count": 2}})"));
  CHECK(into == json::parse(R"({"rating": true, "comment": "ok",
                                "actions": {"copied": true, "copy_count": 2}})"));
}

TEST_CASE("a later scalar wins") {
  json into = {{"rating", true}, {"score", 2}};
  tf::merge_feedback(into, {{"rating", false}});
  tf::merge_feedback(into, {{"score", 5}});
  CHECK(into == json{{"rating", false}, {"score", 5}});
}

TEST_CASE("arrays are replaced, never concatenated") {
  json into = json::parse(R"({"edits": [{"value": "NYC"}, {"value": "x"}]})");
  tf::merge_feedback(into, json::parse(R"({"edits": [{"value": "New York"}]})"));
  CHECK(into == json::parse(R"({"edits": [{"value": "New York"}]})"));
}

TEST_CASE("a type change takes the later value whole") {
  json into = json::parse(R"({"a": {"b": 1}, "c": 1})");
  tf::merge_feedback(into, json::parse(R"({"a": 2, "c": {"d": true}})"));
  CHECK(into == json::parse(R"({"a": 2, "c": {"d": true}})"));
}

TEST_CASE("merging is associative, as batching needs") {
  const json a = json::parse(R"({"x": {"y": 1, "z": [1]}, "k": "a"})");
  const json b = json::parse(R"({"x": {"z": [2], "w": {"q": true}}})");
  const json c = json::parse(R"({"x": {"w": {"r": 1}}, "k": "c"})");
  json left = a;
  tf::merge_feedback(left, b);
  tf::merge_feedback(left, c);
  json bc = b;
  tf::merge_feedback(bc, c);
  json right = a;
  tf::merge_feedback(right, bc);
  CHECK(left == right);
}

TEST_CASE("merge walks deep input with a work list") {
  // Depth here is bounded by what nlohmann's own (recursive) copy can take;
  // merge itself only ever sees validated feedback of a few levels.
  json deep = 1;
  json other = 2;
  for (int i = 0; i < 2000; ++i) {
    deep = json{{"a", std::move(deep)}};
    other = json{{"a", std::move(other)}, {"b", i}};
  }
  json into = deep;
  tf::merge_feedback(into, other);
  CHECK(into == other);
}

TEST_CASE("the moving merge equals the copying one and counts its size change exactly",
          "[merge][size]") {
  const json cases[][2] = {
      {json::parse(R"({"rating": true, "actions": {"copied": true, "copy_count": 1}})"),
       json::parse(R"({"comment": "ok \"quoted\"\n", "actions": {"copy_count": 12}})")},
      {json::object(), json::parse(R"({"a": 1, "b": {"c": [1, 2.5, "x"]}})")},
      {json::parse(R"({"a": {}, "b": 1})"), json::parse(R"({"a": {"x": 1, "y": 2}})")},
      {json::parse(R"({"a": {"b": 1}, "c": 1})"), json::parse(R"({"a": 7, "c": {"d": "é"}})")},
      {json::parse(R"({"edits": [{"value": "NYC"}]})"), json::parse(R"({"edits": []})")},
      {json::parse(R"({"score": 1.5})"), json::parse(R"({"score": -12345678901})")},
      {json::parse(R"({"a": 1})"), json::object()},
  };
  for (const auto& c : cases) {
    json copied = c[0];
    tf::merge_feedback(copied, c[1]);
    json moved = c[0];
    json patch = c[1];
    const auto delta = tf::merge_feedback(moved, std::move(patch));
    CHECK(moved == copied);
    CHECK(static_cast<std::ptrdiff_t>(c[0].dump().size()) + delta ==
          static_cast<std::ptrdiff_t>(moved.dump().size()));
    // Never more than the patch: what lets the engine merge in place.
    CHECK(delta <= static_cast<std::ptrdiff_t>(c[1].dump().size()));
  }
}
