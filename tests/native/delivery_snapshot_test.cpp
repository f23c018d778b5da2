// Delivery engine: snapshot/restore round trip, hostile snapshots, absorb
// of another tab's queue, abandon_in_flight. Fake clock.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "delivery/engine.hpp"

using nlohmann::json;
using tf::delivery::Config;
using tf::delivery::Engine;
using tf::delivery::Error;
using tf::delivery::FlushReason;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-0000000000a1";
const std::string kB = "bbbbbbbb-0000-4000-8000-0000000000b2";
const std::string kS = "5e5510aa-0000-4000-8000-0000000000c3";

Config snap_config(const std::string& client = "s") {
  Config c;
  c.client_id = client;
  c.jitter = 0.3;
  c.seed = 99;
  return c;
}

// An engine with something in every part of its state: a never-sent
// update, one backing off, one in flight, one waiting for the session,
// a dead letter, and non-zero counters.
Engine busy_engine(bool with_in_flight) {
  Engine e(snap_config());
  e.enqueue(kA, json{{"rating", 1}}, 0);
  e.enqueue(kB, json{{"rating", 2}}, 0);
  auto rs = e.take_ready(0, FlushReason::flush);
  e.on_result(rs[0].id, {{"s-1", 503, ""}, {"s-2", 400, ""}}, 10);
  e.enqueue(kB, json{{"comment", "x"}}, 20);
  e.enqueue("", json{{"thumbs", "up"}}, 30);
  if (with_in_flight) {
    e.enqueue(kS, json{{"s", 1}}, 40);
    // s-3 (kB) and s-5 (kS) go; s-1 still backs off; s-4 waits for the session.
    REQUIRE(e.take_ready(40, FlushReason::flush).size() == 1);
  }
  return e;
}

std::set<std::string> pending_ids(const Engine& e) {
  std::set<std::string> ids;
  for (const auto& p : e.pending()) ids.insert(p["id"].get<std::string>());
  return ids;
}

}  // namespace

TEST_CASE("snapshot then restore reproduces the state", "[delivery][snapshot]") {
  Engine original = busy_engine(false);
  const json snap = original.snapshot();
  CHECK(snap["format"] == "trace-feedback-queue");
  CHECK(snap["version"] == 1);
  CHECK(snap["updates"].size() == 3);
  CHECK(snap["dead_letters"].size() == 1);
  CHECK(snap["session_id"].is_null());

  Engine copy(snap_config());
  auto r = copy.restore(snap, 50);
  REQUIRE(r.error == Error::none);
  CHECK(r.added == 3);
  // Everything but the jitter state: the live engine keeps its own (11.1).
  // written_ms is the writer's clock of the last call, so it differs too.
  auto without_rng = [](json j) {
    j.erase("rng");
    j.erase("written_ms");
    return j;
  };
  CHECK(without_rng(copy.snapshot()) == without_rng(snap));
  CHECK(copy.pending() == original.pending());
  CHECK(copy.next_wake(50) == original.next_wake(50));

  // The restored engine behaves like the original from here on.
  for (Engine* e : {&original, &copy}) {
    CHECK(e->enqueue(kS, json{{"n", 1}}, 60).update_id == "s-5");
    auto rs = e->take_ready(100000, FlushReason::flush);
    REQUIRE(rs.size() == 1);
    e->on_request_failed(rs[0].id, 400, "", 100000);
  }
  CHECK(without_rng(copy.snapshot()) == without_rng(original.snapshot()));
}

TEST_CASE("in-flight updates come back retryable under the same id", "[delivery][snapshot]") {
  Engine original = busy_engine(true);
  CHECK(original.stats().in_flight == 2);
  const json snap = original.snapshot();

  Engine copy(snap_config());
  REQUIRE(copy.restore(snap, 1000).error == Error::none);
  CHECK(copy.stats().in_flight == 0);
  CHECK(copy.stats().queued == 4);
  // It was sent: it takes no merge, and is due now.
  CHECK_FALSE(copy.enqueue(kS, json{{"s", 2}}, 1000).merged);
  auto rs = copy.take_ready(1000, FlushReason::tick);
  REQUIRE(rs.size() == 1);
  bool found = false;
  for (const auto& u : rs[0].updates) {
    if (u.id == "s-5") {
      found = true;
      CHECK(u.feedback == json{{"s", 1}});
    }
  }
  CHECK(found);
}

TEST_CASE("garbage and unknown versions are refused, engine unchanged", "[delivery][snapshot]") {
  Engine e = busy_engine(true);
  const json before = e.snapshot();
  json good = before;

  auto refused = [&](const json& bad, Error expected) {
    CAPTURE(bad.dump());
    CHECK(e.restore(bad, 100).error == expected);
    CHECK(e.absorb(bad, 100).error == expected);
    CHECK(e.snapshot() == before);
  };
  refused(json(42), Error::invalid_snapshot);
  refused(json::array(), Error::invalid_snapshot);
  refused(json::object(), Error::invalid_snapshot);
  refused(json{{"format", "something-else"}, {"version", 1}}, Error::invalid_snapshot);

  json v2 = good;
  v2["version"] = 2;
  refused(v2, Error::unsupported_version);
  json v_text = good;
  v_text["version"] = "1";
  refused(v_text, Error::invalid_snapshot);

  json dup = good;
  dup["updates"].push_back(dup["updates"][0]);
  refused(dup, Error::invalid_snapshot);
  json bad_event = good;
  bad_event["updates"][0]["event_id"] = "../admin";
  refused(bad_event, Error::invalid_snapshot);
  json huge_time = good;
  huge_time["updates"][0]["next_attempt_ms"] = 1e300;
  refused(huge_time, Error::invalid_snapshot);
  json fractional = good;
  fractional["updates"][0]["attempts"] = 1.5;
  refused(fractional, Error::invalid_snapshot);
  json deep = good;
  json nest = json::object();
  for (int i = 0; i < 40; ++i) nest = json{{"d", nest}};
  deep["updates"][0]["feedback"] = nest;
  refused(deep, Error::invalid_snapshot);
  json bad_rng = good;
  bad_rng["rng"] = 12345;
  refused(bad_rng, Error::invalid_snapshot);
}

TEST_CASE("hostile mutations of a snapshot never crash and never half-apply",
          "[delivery][snapshot][fuzz]") {
  Engine source = busy_engine(true);
  const json good = source.snapshot();
  const json flat = good.flatten();
  const std::vector<json> replacements = {json(),
                                          json(true),
                                          json(-1),
                                          json(0),
                                          json(1e300),
                                          json(0.5),
                                          json("x"),
                                          json(""),
                                          json::array(),
                                          json::object(),
                                          json(uint64_t{1} << 62),
                                          json(-1e18)};
  std::size_t accepted = 0, refused = 0;
  for (auto it = flat.begin(); it != flat.end(); ++it) {
    for (const auto& repl : replacements) {
      json bad = good;
      bad[json::json_pointer(it.key())] = repl;
      Engine e(snap_config("other"));
      e.enqueue(kA, json{{"mine", 1}}, 0);
      const json before = e.snapshot();
      CAPTURE(it.key(), repl.dump());
      auto r = e.restore(bad, 500);
      if (r.error == Error::none) {
        ++accepted;
        auto st = e.stats();
        CHECK(st.queued + st.in_flight == e.snapshot()["updates"].size());
      } else {
        ++refused;
        CHECK(e.snapshot() == before);
      }
      auto a = e.absorb(bad, 500);
      if (a.error != Error::none) CHECK(a.message.size() > 0);
    }
  }
  CHECK(accepted > 0);
  CHECK(refused > 0);
}

TEST_CASE("absorb takes another tab's updates once, never duplicating ids", "[delivery][absorb]") {
  Engine other(snap_config("tab-b"));
  other.enqueue(kA, json{{"b", 1}}, 0);
  other.enqueue(kB, json{{"b", 2}}, 0);
  other.take_ready(0, FlushReason::flush);  // both in flight in the dying tab
  other.enqueue(kA, json{{"b", 3}}, 5);
  const json their = other.snapshot();

  Engine mine(snap_config("tab-a"));
  mine.enqueue(kA, json{{"a", 1}}, 0);
  auto r = mine.absorb(their, 100);
  REQUIRE(r.error == Error::none);
  CHECK(r.added == 3);
  CHECK(r.skipped == 0);
  CHECK(pending_ids(mine) == std::set<std::string>{"tab-a-1", "tab-b-1", "tab-b-2", "tab-b-3"});

  auto again = mine.absorb(their, 200);
  CHECK(again.added == 0);
  CHECK(again.skipped == 3);
  CHECK(mine.pending().size() == 4);

  // Per target, ours goes first and theirs follow in their order.
  std::vector<std::string> sent_for_a;
  for (int round = 0; round < 4; ++round) {
    for (const auto& req : mine.take_ready(1000000 + round, FlushReason::flush)) {
      for (const auto& u : req.updates) {
        if (u.event_id == kA) sent_for_a.push_back(u.id);
      }
      mine.on_request_failed(req.id, 200, "", 1000000 + round);
    }
  }
  CHECK(sent_for_a == std::vector<std::string>{"tab-a-1", "tab-b-1", "tab-b-3"});
}

TEST_CASE("absorb keeps ids unique even with the same client id", "[delivery][absorb]") {
  Engine old_tab(snap_config("same"));
  for (int i = 0; i < 5; ++i)
    old_tab.enqueue(kA, json{{"i", i}}, 0), old_tab.take_ready(0, FlushReason::flush);
  Engine mine(snap_config("same"));
  REQUIRE(mine.absorb(old_tab.snapshot(), 10).error == Error::none);
  const auto ids = pending_ids(mine);
  const auto fresh = mine.enqueue(kB, json{{"new", 1}}, 11).update_id;
  CHECK(ids.count(fresh) == 0);
}

TEST_CASE("absorb dead-letters session feedback of a tab without a session", "[delivery][absorb]") {
  Engine other(snap_config("tab-b"));
  other.enqueue("", json{{"thumbs", "down"}}, 0);
  Engine mine(snap_config("tab-a"));
  mine.set_session(kS, 0);
  auto r = mine.absorb(other.snapshot(), 10);
  REQUIRE(r.error == Error::none);
  CHECK(r.added == 0);
  CHECK(mine.stats().queued == 0);
  auto dead = mine.take_dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "orphaned_session");
  CHECK(dead[0].feedback == json{{"thumbs", "down"}});
}

TEST_CASE("abandon_in_flight makes sent updates retryable with the same ids",
          "[delivery][abandon]") {
  Config c = snap_config();
  c.jitter = 0;
  Engine e(c);
  e.enqueue(kA, json{{"a", 1}}, 0);
  e.enqueue(kB, json{{"b", 1}}, 0);
  auto rs = e.take_ready(0, FlushReason::hidden);
  REQUIRE(rs.size() == 1);
  CHECK(e.stats().in_flight == 2);

  auto ids = e.abandon_in_flight(5000);
  CHECK(ids == std::vector<std::string>{"s-1", "s-2"});
  CHECK(e.stats().in_flight == 0);
  CHECK(e.stats().queued == 2);
  CHECK(e.stats().retried == 0);                            // not a failure
  CHECK_FALSE(e.enqueue(kA, json{{"a", 2}}, 5000).merged);  // it was sent once

  CHECK(e.next_wake(5000) == 5000);
  auto again = e.take_ready(5000, FlushReason::tick);
  REQUIRE(again.size() == 1);
  REQUIRE(again[0].updates.size() == 2);
  CHECK(again[0].updates[0].id == "s-1");
  CHECK(again[0].updates[0].feedback == json{{"a", 1}});
  CHECK(e.pending().size() == 1);  // only the later s-3 for kA waits
  // The old request's late answer no longer applies.
  CHECK_FALSE(e.on_request_failed(rs[0].id, 200, "", 5001).known_request);
  CHECK(e.stats().in_flight == 2);
}
