// Delivery engine: queueing, merging, per-target order, session target,
// queue caps. Time is a plain integer (fake clock).
#include <catch2/catch.hpp>
#include <string>

#include "delivery/engine.hpp"

using nlohmann::json;
using tf::delivery::Config;
using tf::delivery::Engine;
using tf::delivery::Error;
using tf::delivery::FlushReason;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-000000000001";
const std::string kB = "bbbbbbbb-0000-4000-8000-000000000002";
const std::string kS = "5e5510aa-0000-4000-8000-000000000003";

Config queue_config() {
  Config c;
  c.client_id = "t";
  c.jitter = 0;
  return c;
}

}  // namespace

TEST_CASE("pending updates to one target merge into one", "[delivery][merge]") {
  Engine e(queue_config());
  auto r1 = e.enqueue(kA, json::parse(R"({"rating":1,"tags":{"x":true},"list":[1,2]})"), 0);
  REQUIRE(r1.error == Error::none);
  CHECK(r1.update_id == "t-1");
  CHECK_FALSE(r1.merged);
  CHECK(r1.event_id == kA);

  auto r2 = e.enqueue(kA, json::parse(R"({"rating":5,"tags":{"y":true},"list":[3]})"), 10);
  CHECK(r2.update_id == "t-1");
  CHECK(r2.merged);

  auto r3 = e.enqueue(kB, json::parse(R"({"rating":2})"), 20);
  CHECK(r3.update_id == "t-2");
  CHECK_FALSE(r3.merged);

  const json p = e.pending();
  REQUIRE(p.size() == 2);
  CHECK(p[0]["id"] == "t-1");
  CHECK(p[0]["event_id"] == kA);
  CHECK(p[0]["feedback"] == json::parse(R"({"rating":5,"tags":{"x":true,"y":true},"list":[3]})"));
  CHECK(p[0]["attempts"] == 0);
  CHECK(p[1]["id"] == "t-2");
  CHECK(e.stats().queued == 2);
}

TEST_CASE("a sent update is never merged into; later feedback waits behind it",
          "[delivery][merge][order]") {
  Engine e(queue_config());
  e.enqueue(kA, json::parse(R"({"rating":1})"), 0);
  auto first = e.take_ready(0, FlushReason::flush);
  REQUIRE(first.size() == 1);
  REQUIRE(first[0].updates.size() == 1);
  CHECK(first[0].updates[0].id == "t-1");

  auto r = e.enqueue(kA, json::parse(R"({"rating":2})"), 5);
  CHECK(r.update_id == "t-2");
  CHECK_FALSE(r.merged);
  // Target A has a request in flight: nothing more for A may leave.
  CHECK(e.take_ready(6, FlushReason::flush).empty());
  CHECK(e.enqueue(kA, json::parse(R"({"comment":"ok"})"), 7).update_id == "t-2");

  // The earlier update fails: its retry keeps id and content, and still
  // goes before t-2.
  auto out = e.on_request_failed(first[0].id, 503, "", 10);
  CHECK(out.retrying == std::vector<std::string>{"t-1"});
  auto retry = e.take_ready(100000, FlushReason::flush);
  REQUIRE(retry.size() == 1);
  REQUIRE(retry[0].updates.size() == 1);
  CHECK(retry[0].updates[0].id == "t-1");
  CHECK(retry[0].updates[0].feedback == json::parse(R"({"rating":1})"));

  e.on_request_failed(retry[0].id, 200, "", 100001);
  auto next = e.take_ready(100002, FlushReason::flush);
  REQUIRE(next.size() == 1);
  CHECK(next[0].updates[0].id == "t-2");
  CHECK(next[0].updates[0].feedback == json::parse(R"({"rating":2,"comment":"ok"})"));
}

TEST_CASE("a merge that would exceed max_update_bytes starts a new update after it",
          "[delivery][merge]") {
  Config c = queue_config();
  c.max_update_bytes = 300;
  Engine e(c);
  auto r1 = e.enqueue(kA, json{{"a", std::string(150, 'x')}}, 0);
  auto r2 = e.enqueue(kA, json{{"b", std::string(150, 'y')}}, 1);
  REQUIRE(r2.error == Error::none);
  CHECK_FALSE(r2.merged);
  CHECK(r2.update_id != r1.update_id);
  // Later feedback merges into the newest one, never the earlier.
  auto r3 = e.enqueue(kA, json{{"c", 1}}, 2);
  CHECK(r3.merged);
  CHECK(r3.update_id == r2.update_id);

  auto reqs = e.take_ready(3, FlushReason::flush);
  REQUIRE(reqs.size() == 1);
  REQUIRE(reqs[0].updates.size() == 1);  // per target, one at a time
  CHECK(reqs[0].updates[0].id == r1.update_id);
  CHECK(e.pending()[0]["feedback"] ==
        json::parse(R"({"b":")" + std::string(150, 'y') + R"(","c":1})"));
}

TEST_CASE("an update that alone exceeds the size cap is refused and counted", "[delivery][caps]") {
  Config c = queue_config();
  c.max_update_bytes = 300;
  Engine e(c);
  auto r = e.enqueue(kA, json{{"a", std::string(400, 'x')}}, 0);
  CHECK(r.error == Error::update_too_large);
  CHECK(e.stats().dropped == 1);
  CHECK(e.stats().queued == 0);
}

TEST_CASE("session feedback waits for the session, then is retargeted", "[delivery][session]") {
  Engine e(queue_config());
  auto r = e.enqueue("", json::parse(R"({"thumbs":"up"})"), 0);
  REQUIRE(r.error == Error::none);
  CHECK(r.waiting_for_session);
  CHECK_FALSE(r.event_id.has_value());
  CHECK(e.stats().waiting_for_session == 1);
  CHECK(e.stats().queued == 1);
  CHECK(e.pending()[0]["event_id"].is_null());

  // Not sent (no target) and not dropped, whatever the flush.
  CHECK(e.take_ready(5000, FlushReason::flush).empty());
  CHECK(e.take_ready(5000, FlushReason::hidden).empty());
  CHECK(e.enqueue("", json::parse(R"({"comment":"nice"})"), 6000).merged);

  auto s = e.set_session(kS, 7000);
  REQUIRE(s.error == Error::none);
  CHECK(s.retargeted == std::vector<std::string>{"t-1"});
  CHECK(e.stats().waiting_for_session == 0);

  auto reqs = e.take_ready(7000, FlushReason::flush);
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].updates[0].event_id == kS);
  CHECK(reqs[0].updates[0].feedback == json::parse(R"({"thumbs":"up","comment":"nice"})"));

  // Once known, session feedback targets the session immediately.
  auto later = e.enqueue("", json::parse(R"({"x":1})"), 8000);
  CHECK(later.event_id == kS);
  CHECK_FALSE(later.waiting_for_session);
}

TEST_CASE("retargeting folds session feedback into a never-sent update for the session",
          "[delivery][session][merge]") {
  Engine e(queue_config());
  auto direct = e.enqueue(kS, json::parse(R"({"a":1,"b":1})"), 0);  // app knew the id
  auto waiting = e.enqueue("", json::parse(R"({"b":2})"), 1);
  CHECK(direct.update_id != waiting.update_id);

  auto s = e.set_session(kS, 2);
  REQUIRE(s.merged.size() == 1);
  CHECK(s.merged[0].first == waiting.update_id);
  CHECK(s.merged[0].second == direct.update_id);
  const json p = e.pending();
  REQUIRE(p.size() == 1);
  CHECK(p[0]["feedback"] == json::parse(R"({"a":1,"b":2})"));
}

TEST_CASE("queue_full refuses the enqueue and loses nothing already queued", "[delivery][caps]") {
  Config c = queue_config();
  c.max_queue_updates = 2;
  Engine e(c);
  e.enqueue(kA, json{{"a", 1}}, 0);
  e.enqueue(kB, json{{"b", 1}}, 0);
  const json before = e.pending();

  auto r = e.enqueue(kS, json{{"s", 1}}, 1);
  CHECK(r.error == Error::queue_full);
  CHECK(r.update_id.empty());
  CHECK(e.stats().dropped == 1);
  CHECK(e.pending() == before);

  // A merge adds no update, so it is still accepted.
  CHECK(e.enqueue(kA, json{{"a", 2}}, 2).merged);

  SECTION("the byte cap refuses too, and the counter is not burnt") {
    Config small = queue_config();
    small.max_queue_bytes = 1024;
    Engine b(small);
    REQUIRE(b.enqueue(kA, json{{"a", std::string(600, 'x')}}, 0).error == Error::none);
    CHECK(b.enqueue(kB, json{{"b", std::string(600, 'x')}}, 0).error == Error::queue_full);
    CHECK(b.enqueue(kA, json{{"c", std::string(600, 'x')}}, 0).error == Error::queue_full);
    CHECK(b.pending().size() == 1);
    CHECK(b.pending()[0]["feedback"].size() == 1);
    CHECK(b.stats().dropped == 2);
    CHECK(b.enqueue(kB, json{{"b", 1}}, 0).update_id == "t-2");
  }
}

TEST_CASE("invalid targets and feedback are refused without side effects", "[delivery][input]") {
  Engine e(queue_config());
  CHECK(e.enqueue("..", json{{"a", 1}}, 0).error == Error::invalid_event_id);
  CHECK(e.enqueue("a/b", json{{"a", 1}}, 0).error == Error::invalid_event_id);
  CHECK(e.enqueue(std::string(129, 'a'), json{{"a", 1}}, 0).error == Error::invalid_event_id);
  CHECK(e.enqueue(kA, json::array({1}), 0).error == Error::invalid_feedback);
  CHECK(e.enqueue(kA, json("text"), 0).error == Error::invalid_feedback);
  json deep = json::object();
  for (int i = 0; i < 40; ++i) deep = json{{"d", deep}};
  CHECK(e.enqueue(kA, deep, 0).error == Error::invalid_feedback);
  CHECK(e.set_session("", 0).error == Error::invalid_event_id);
  CHECK(e.stats().queued == 0);
  CHECK(e.stats().dropped == 0);  // input errors are bugs, not capacity drops
  CHECK(e.enqueue(kA, json{{"a", 1}}, 0).update_id == "t-1");
}
