// enqueue(json&&) and the in-place merge: the same queue, ids and sizes
// as enqueue(const json&), with each update's size kept exact without
// re-measuring it (what a request's `bytes` is summed from).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "delivery/engine.hpp"
#include "delivery/json_read.hpp"

using nlohmann::json;
using tf::delivery::Config;
using tf::delivery::Engine;
using tf::delivery::Error;
using tf::delivery::FlushReason;
using tf::delivery::Request;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-000000000001";
const std::string kB = "bbbbbbbb-0000-4000-8000-000000000002";
const std::string kS = "5e5510aa-0000-4000-8000-000000000003";

std::string body_of(const Request& r) {
  json updates = json::array();
  for (const auto& u : r.updates) {
    updates.push_back({{"id", u.id}, {"event_id", u.event_id}, {"feedback", u.feedback}});
  }
  return tf::delivery::dump_safe(json{{"updates", updates}});
}

// Feedback that exercises every branch of the merge: new keys, replaced
// scalars, nested objects merged, objects replaced by arrays, escapes.
std::vector<json> sequence() {
  std::vector<json> out;
  for (int i = 0; i < 40; ++i) {
    json f = {{"rating", i % 2 == 0}, {"score", i % 5}};
    if (i % 3 == 0) f["comment"] = std::string(static_cast<std::size_t>(i), 'c') + "\"\n\\";
    if (i % 4 == 1) f["actions"] = {{"copied", true}, {"copy_count", i}};
    if (i % 7 == 2) f["step_" + std::to_string(i)] = {{"ok", i}, {"list", {1, 2.5, "x"}}};
    if (i % 11 == 3) f["edits"] = json::array({{{"value", "v" + std::to_string(i)}}});
    out.push_back(f);
  }
  return out;
}

}  // namespace

TEST_CASE("enqueue(json&&) queues exactly what enqueue(const json&) does, sizes exact",
          "[delivery][merge]") {
  Config c;
  c.client_id = "t";
  c.jitter = 0;
  Engine copied(c), moved(c);
  const auto feedbacks = sequence();
  for (std::size_t i = 0; i < feedbacks.size(); ++i) {
    const std::string& target = i % 3 == 0 ? kA : (i % 3 == 1 ? kB : std::string());
    const auto rc = copied.enqueue(target, feedbacks[i], static_cast<int64_t>(i));
    json f = feedbacks[i];
    const auto rm = moved.enqueue(target, std::move(f), static_cast<int64_t>(i));
    REQUIRE(rc.error == rm.error);
    CHECK(rc.update_id == rm.update_id);
    CHECK(rc.merged == rm.merged);
    CHECK(rc.waiting_for_session == rm.waiting_for_session);
    if (i == 20) {
      // In flight between: later captures start new updates, then merge.
      copied.take_ready(100, FlushReason::flush);
      moved.take_ready(100, FlushReason::flush);
    }
  }
  CHECK(copied.snapshot() == moved.snapshot());
  REQUIRE(moved.set_session(kS, 200).error == Error::none);
  moved.abandon_in_flight(201);
  for (const auto& r : moved.take_ready(202, FlushReason::flush)) {
    CHECK(r.bytes == body_of(r).size());
  }
}

TEST_CASE("near a cap the merge is decided on its exact size, not its bound",
          "[delivery][merge][caps]") {
  Config c;
  c.client_id = "t";
  c.max_update_bytes = 260;
  Engine e(c);
  // Each alone is ~200 bytes; the bound (prev + patch) is over the cap,
  // but replacing the comment keeps the merge under it: still merged.
  const auto r1 = e.enqueue(kA, json{{"comment", std::string(150, 'x')}}, 0);
  const auto r2 = e.enqueue(kA, json{{"comment", std::string(150, 'y')}}, 1);
  REQUIRE(r2.error == Error::none);
  CHECK(r2.merged);
  CHECK(r2.update_id == r1.update_id);
  // A new key that does not fit starts a new update after it.
  const auto r3 = e.enqueue(kA, json{{"other", std::string(150, 'z')}}, 2);
  REQUIRE(r3.error == Error::none);
  CHECK_FALSE(r3.merged);
  const auto reqs = e.take_ready(3, FlushReason::flush);
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].bytes == body_of(reqs[0]).size());
  CHECK(reqs[0].updates[0].feedback == json{{"comment", std::string(150, 'y')}});
}

TEST_CASE("a refused move leaves the queue as it was", "[delivery][caps]") {
  Config c;
  c.client_id = "t";
  c.max_queue_bytes = 1024;
  Engine e(c);
  REQUIRE(e.enqueue(kA, json{{"a", std::string(600, 'x')}}, 0).error == Error::none);
  const json before = e.pending();
  json big = {{"c", std::string(600, 'x')}};
  CHECK(e.enqueue(kA, std::move(big), 1).error == Error::queue_full);
  CHECK(e.pending() == before);
  json deep = json::object();
  json* at = &deep;
  for (int i = 0; i < 40; ++i) at = &((*at)["d"] = json::object());
  CHECK(e.enqueue(kB, std::move(deep), 2).error == Error::invalid_feedback);
  CHECK(e.pending() == before);
}

TEST_CASE("enqueue_validated queues what enqueue(json&&) does and still refuses a bad id",
          "[delivery][merge]") {
  // The capture path skips only the depth walk its one pass already did.
  Config c;
  c.client_id = "t";
  c.jitter = 0;
  Engine plain(c), validated(c);
  const auto feedbacks = sequence();
  for (std::size_t i = 0; i < feedbacks.size(); ++i) {
    const std::string& target = i % 3 == 0 ? kA : (i % 3 == 1 ? kB : std::string());
    json a = feedbacks[i], b = feedbacks[i];
    const auto rp = plain.enqueue(target, std::move(a), static_cast<int64_t>(i));
    const auto rv = validated.enqueue_validated(target, std::move(b), static_cast<int64_t>(i));
    REQUIRE(rp.error == rv.error);
    CHECK(rp.update_id == rv.update_id);
    CHECK(rp.merged == rv.merged);
  }
  CHECK(plain.snapshot_text() == validated.snapshot_text());
  const json before = validated.pending();
  const auto bad = validated.enqueue_validated("not-a-uuid", json{{"rating", true}}, 100);
  CHECK(bad.error == Error::invalid_event_id);
  CHECK(validated.enqueue_validated(kA, json::array({1}), 101).error == Error::invalid_feedback);
  CHECK(validated.pending() == before);
}
