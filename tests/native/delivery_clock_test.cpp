// Wall-clock steps (issue 11.5): a caller clock that jumps back 10 minutes
// or a day, or forward 25 hours, neither stretches a delay past its own
// length nor dead-letters a young update as max_age. Snapshot times from
// the future are clamped on restore. A fake clock that jumps both ways.
#include <catch2/catch.hpp>
#include <string>

#include "delivery/engine.hpp"

using nlohmann::json;
using tf::delivery::Config;
using tf::delivery::Engine;
using tf::delivery::FlushReason;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-00000000000a";
constexpr int64_t kT0 = 1'760'000'000'000;  // an epoch-ms "now"
constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;

Config clock_config() {
  Config c;
  c.client_id = "c";
  c.jitter = 0;
  c.retry_base_ms = 1000;
  c.flush_interval_ms = 1000;
  return c;
}

// Enqueued at kT0, sent at once and failed with 503: backoff 1 s.
Engine failed_once() {
  Engine e(clock_config());
  e.enqueue(kA, json{{"rating", 1}}, kT0);
  auto rs = e.take_ready(kT0, FlushReason::flush);
  REQUIRE(rs.size() == 1);
  e.on_request_failed(rs[0].id, 503, "", kT0);
  REQUIRE(e.next_wake(kT0) == kT0 + 1000);
  return e;
}

}  // namespace

TEST_CASE("a backward step keeps the retry delay its own length", "[delivery][clock]") {
  for (int64_t step : {10 * kMinute, kDay}) {
    CAPTURE(step);
    Engine e = failed_once();
    // The clock is stepped back by `step` (a step is seen as no time
    // passing): the retry is due 1 s from the step, not step + 1 s.
    const int64_t t = kT0 + 400 - step;
    CHECK(e.next_wake(t) == t + 1000);
    CHECK(e.take_ready(t, FlushReason::tick).empty());
    CHECK(e.take_ready(t + 999, FlushReason::tick).empty());
    CHECK(e.take_ready(t + 1000, FlushReason::tick).size() == 1);
  }
}

TEST_CASE("a backward step does not make a flush wait either", "[delivery][clock]") {
  Engine e(clock_config());
  e.enqueue(kA, json{{"rating", 1}}, kT0);
  const int64_t t = kT0 - kDay;
  CHECK(e.next_wake(t) == t + 1000);
  CHECK(e.take_ready(t + 1000, FlushReason::tick).size() == 1);
}

TEST_CASE("a forward step of 25 h does not dead-letter as max_age", "[delivery][clock]") {
  Engine e(clock_config());
  e.enqueue("", json{{"rating", 1}}, kT0);  // waits for the session: only ages
  const int64_t t = kT0 + 25 * kHour;
  CHECK(e.take_ready(t, FlushReason::tick).empty());
  CHECK(e.stats().queued == 1);
  CHECK(e.take_dead_letters().empty());
  // It still delivers once the session is known.
  e.set_session(kA, t);
  CHECK(e.take_ready(t, FlushReason::flush).size() == 1);
}

TEST_CASE("a forward step during a retry is not counted as a day of age", "[delivery][clock]") {
  Engine e = failed_once();
  const int64_t t = kT0 + 25 * kHour;
  auto rs = e.take_ready(t, FlushReason::tick);
  REQUIRE(rs.size() == 1);  // the backoff is over: it goes
  auto out = e.on_request_failed(rs[0].id, 503, "", t);
  CHECK(out.retrying.size() == 1);  // not max_age
  CHECK(e.next_wake(t) == t + 2000);
}

TEST_CASE("real time still ages: woken as asked, max_age holds", "[delivery][clock]") {
  Config c = clock_config();
  c.max_age_ms = 3 * kHour;
  Engine e(c);
  e.enqueue("", json{{"rating", 1}}, kT0);
  int64_t t = kT0;
  int wakes = 0;
  while (e.stats().queued == 1 && wakes < 100) {
    t = e.next_wake(t).value();
    e.take_ready(t, FlushReason::tick);
    ++wakes;
  }
  CHECK(e.stats().queued == 0);
  CHECK(t == kT0 + 3 * kHour);  // exactly at its age, after a few hourly-ish wakes
  CHECK(wakes <= 7);
  CHECK(e.take_dead_letters()[0].reason == "max_age");
}

TEST_CASE("jumps both ways in a row keep every delay bounded", "[delivery][clock]") {
  Engine e = failed_once();  // due at +1 s
  int64_t t = kT0 + 100;
  for (int64_t step : {-10 * kMinute, 25 * kHour, -kDay, 30 * kMinute, -kDay}) {
    t += step;
    const int64_t wake = e.next_wake(t).value();
    CHECK(wake >= t);
    CHECK(wake - t <= 1000);  // never more than the delay that was asked
  }
}

TEST_CASE("snapshot times from the future are clamped to now on restore", "[delivery][clock]") {
  Engine writer(clock_config());
  writer.enqueue(kA, json{{"rating", 1}}, kT0 + kDay);  // the writer's clock ran a day ahead
  auto rs = writer.take_ready(kT0 + kDay, FlushReason::flush);
  writer.on_request_failed(rs[0].id, 503, "", kT0 + kDay);
  const json snap = writer.snapshot();
  CHECK(snap["updates"][0]["next_attempt_ms"] == kT0 + kDay + 1000);

  Config c = clock_config();
  c.max_age_ms = kHour;
  Engine reader(c);
  REQUIRE(reader.restore(snap, kT0).error == tf::delivery::Error::none);
  // The retry is not a day away, and the age starts from now, not from a
  // day in the future (which would make it never expire) or the past.
  CHECK(reader.next_wake(kT0) == kT0 + 1000);  // the 1 s it had left
  CHECK(reader.snapshot()["updates"][0]["first_enqueued_ms"] == kT0);
  reader.take_ready(kT0 + kHour - 1, FlushReason::tick);  // delivered? no answer: in flight
  CHECK(reader.stats().dead_lettered == 0);
}
