// Merge barrier (issue 11.2): queued updates to one target are merged only
// while that equals sending them one by one. A change from object to
// non-object (or back) at any path closes the pending update and starts a
// new one. Checked against a reference apply written here (HoneyHive's
// documented merge: objects key by key, anything else replaces).
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "delivery/engine.hpp"
#include "feedback/merge.hpp"

using nlohmann::json;
using tf::delivery::Config;
using tf::delivery::Engine;
using tf::delivery::FlushReason;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-00000000000a";
const std::string kS = "5e5510aa-0000-4000-8000-0000000000c3";

// Reference: what the server stores after `patch` (recursive is fine here).
json server_apply(json stored, const json& patch) {
  if (!stored.is_object()) stored = json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    auto found = stored.find(it.key());
    if (it.value().is_object() && found != stored.end() && found->is_object()) {
      *found = server_apply(*found, it.value());
    } else {
      stored[it.key()] = it.value();
    }
  }
  return stored;
}

Config barrier_config() {
  Config c;
  c.client_id = "b";
  c.flush_interval_ms = 1'000'000;
  return c;
}

// Sends everything queued for the engine in order, each delivered, and
// applies what went out to `stored`. Returns the number of updates sent.
int deliver_all(Engine& e, json& stored, int64_t now) {
  int sent = 0;
  for (int round = 0; round < 100; ++round) {
    auto rs = e.take_ready(now, FlushReason::flush);
    if (rs.empty()) break;
    for (auto& r : rs) {
      std::vector<tf::delivery::UpdateResult> ok;
      for (auto& u : r.updates) {
        stored = server_apply(stored, u.feedback);
        ok.emplace_back(u.id, 200);
        ++sent;
      }
      e.on_result(r.id, ok, now);
    }
  }
  return sent;
}

}  // namespace

TEST_CASE("the issue's example: merged-then-sent equals one by one", "[delivery][barrier]") {
  const json s = json::parse(R"({"x":{"p":1}})");
  const json a = json::parse(R"({"x":1})"), b = json::parse(R"({"x":{"q":2}})");
  const json expected = server_apply(server_apply(s, a), b);
  CHECK(expected == json::parse(R"({"x":{"q":2}})"));
  Engine e(barrier_config());
  CHECK_FALSE(e.enqueue(kA, a, 0).merged);
  const auto second = e.enqueue(kA, b, 1);
  CHECK_FALSE(second.merged);  // the barrier: a new update
  CHECK(second.update_id == "b-2");
  json stored = s;
  CHECK(deliver_all(e, stored, 2) == 2);
  CHECK(stored == expected);
}

TEST_CASE("the barrier holds both ways and at depth; other merges still merge",
          "[delivery][barrier]") {
  struct Case {
    const char* a;
    const char* b;
    bool merges;
  };
  const std::vector<Case> cases = {
      {R"({"x":{"q":2}})", R"({"x":1})", false},             // object -> scalar
      {R"({"x":[1]})", R"({"x":{"q":2}})", false},           // array -> object
      {R"({"m":{"n":{"o":"s"}}})", R"({"m":{"n":{"o":{"deep":1}}}})", false},
      {R"({"m":{"n":{"o":1}}})", R"({"m":{"n":{"o":2},"k":3}})", true},
      {R"({"x":1})", R"({"x":"two"})", true},                 // scalar -> scalar
      {R"({"x":[1]})", R"({"x":2})", true},                   // array -> scalar
      {R"({"x":{"p":1}})", R"({"y":{"q":2}})", true},         // disjoint keys
  };
  for (const auto& c : cases) {
    CAPTURE(c.a, c.b);
    Engine e(barrier_config());
    e.enqueue(kA, json::parse(c.a), 0);
    CHECK(e.enqueue(kA, json::parse(c.b), 1).merged == c.merges);
  }
}

TEST_CASE("set_session folds neighbours only across no barrier", "[delivery][barrier]") {
  Engine e(barrier_config());
  e.enqueue("", json::parse(R"({"x":1})"), 0);
  e.enqueue("", json::parse(R"({"x":1,"y":2})"), 1);   // merges while waiting
  e.enqueue("", json::parse(R"({"x":{"q":2}})"), 2);   // barrier
  CHECK(e.stats().queued == 2);
  const auto r = e.set_session(kS, 3);
  CHECK(r.retargeted.size() == 2);
  CHECK(r.merged.empty());
  json stored = json::parse(R"({"x":{"p":1}})");
  const json expected = server_apply(server_apply(server_apply(stored, json::parse(R"({"x":1})")),
                                    json::parse(R"({"x":1,"y":2})")),
                              json::parse(R"({"x":{"q":2}})"));
  deliver_all(e, stored, 4);
  CHECK(stored == expected);
}

TEST_CASE("seeded property: apply(apply(s,a),b) == apply of what the engine sends", "[delivery][barrier]") {
  // A tiny deterministic generator of values over few keys, so paths collide.
  uint64_t state = 0x5eed;
  auto next = [&]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state >> 33);
  };
  std::function<json(int)> value = [&](int depth) -> json {
    switch (next() % (depth > 2 ? 4 : 6)) {
      case 0: return static_cast<int>(next() % 5);
      case 1: return std::string(1, static_cast<char>('a' + next() % 3));
      case 2: return next() % 2 == 0;
      case 3: return json::array({static_cast<int>(next() % 3)});
      default: {
        json o = json::object();
        const int n = static_cast<int>(next() % 3);
        for (int i = 0; i < n; ++i) o[std::string(1, static_cast<char>('p' + next() % 3))] = value(depth + 1);
        return o;
      }
    }
  };
  auto object = [&]() {
    json o = json::object();
    const int n = 1 + static_cast<int>(next() % 3);
    for (int i = 0; i < n; ++i) o[std::string(1, static_cast<char>('x' + next() % 3))] = value(1);
    return o;
  };
  for (int i = 0; i < 3000; ++i) {
    const json s = object(), a = object(), b = object();
    CAPTURE(s.dump(), a.dump(), b.dump());
    Engine e(barrier_config());
    e.enqueue(kA, a, 0);
    e.enqueue(kA, b, 1);
    json stored = s;
    deliver_all(e, stored, 2);
    REQUIRE(stored == server_apply(server_apply(s, a), b));
  }
}
