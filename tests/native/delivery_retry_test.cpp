// Delivery engine: status classes, Retry-After, backoff with jitter, dead
// letters and partial failure. Time is a plain integer (fake clock).
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "delivery/engine.hpp"
#include "delivery/retry.hpp"

using nlohmann::json;
using tf::delivery::backoff_delay;
using tf::delivery::classify_status;
using tf::delivery::Config;
using tf::delivery::Engine;
using tf::delivery::FlushReason;
using tf::delivery::parse_retry_after;
using tf::delivery::Rng;
using tf::delivery::StatusClass;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-00000000000a";
const std::string kB = "bbbbbbbb-0000-4000-8000-00000000000b";
const std::string kC = "cccccccc-0000-4000-8000-00000000000c";

// 784111777 s since the epoch is the RFC's example date.
constexpr int64_t kRfcDateMs = 784111777000;

Config retry_config() {
  Config c;
  c.client_id = "r";
  c.jitter = 0;
  c.retry_base_ms = 1000;
  c.retry_max_delay_ms = 60000;
  return c;
}

// Sends the (single) queued update and fails it with `status`.
tf::delivery::ResultOutcome send_and_fail(Engine& e, int64_t now, int status,
                                          const std::string& retry_after = "") {
  auto rs = e.take_ready(now, FlushReason::flush);
  REQUIRE(rs.size() == 1);
  return e.on_request_failed(rs[0].id, status, retry_after, now);
}

}  // namespace

TEST_CASE("status classes", "[delivery][retry]") {
  for (int s : {200, 201, 204, 299}) CHECK(classify_status(s) == StatusClass::delivered);
  for (int s : {0, 408, 425, 429, 500, 502, 503, 504, 599, -1, 1000}) {
    CHECK(classify_status(s) == StatusClass::retry);
  }
  for (int s : {100, 301, 304, 400, 401, 403, 409, 413, 422, 600}) {
    CHECK(classify_status(s) == StatusClass::reject);
  }
  CHECK(classify_status(404) == StatusClass::unknown_event);
}

TEST_CASE("parse_retry_after: delta-seconds and IMF-fixdate", "[delivery][retry]") {
  CHECK(parse_retry_after("2", 0) == 2000);
  CHECK(parse_retry_after(" 120\t", 0) == 120000);
  CHECK(parse_retry_after("0", 0) == 0);
  CHECK(parse_retry_after("99999999999999999999999", 0).value() > 0);  // saturates
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kRfcDateMs - 5000) == 5000);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kRfcDateMs + 5000) == 0);
  CHECK(parse_retry_after("Thu, 29 Feb 2024 00:00:00 GMT", 0) == int64_t{1709164800} * 1000);
  for (const char* bad : {"", "  ", "abc", "-1", "1.5", "2s", "Sun, 06 Nov 1994 08:49:37 UTC",
                          "Sun, 31 Feb 1994 08:49:37 GMT", "Wed, 29 Feb 2023 00:00:00 GMT",
                          "Sun, 06 Nov 1994 25:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                          "Sun Nov  6 08:49:37 1994", "Xyz, 06 Nov 1994 08:49:37 GMT"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_retry_after(bad, 0).has_value());
  }
}

TEST_CASE("backoff doubles, is capped, and jitter stays in bounds", "[delivery][retry]") {
  Rng rng(1);
  CHECK(backoff_delay(1, 1000, 60000, 0, rng) == 1000);
  CHECK(backoff_delay(2, 1000, 60000, 0, rng) == 2000);
  CHECK(backoff_delay(3, 1000, 60000, 0, rng) == 4000);
  CHECK(backoff_delay(7, 1000, 60000, 0, rng) == 60000);
  CHECK(backoff_delay(100000, 1000, 60000, 0, rng) == 60000);  // no overflow

  int64_t lo = INT64_MAX, hi = 0;
  for (int i = 0; i < 2000; ++i) {
    const int64_t d = backoff_delay(1, 1000, 60000, 0.2, rng);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  CHECK(lo >= 800);
  CHECK(hi <= 1200);
  CHECK(hi - lo > 300);  // it really spreads
  for (int i = 0; i < 500; ++i) {
    const int64_t d = backoff_delay(30, 1000, 60000, 0.2, rng);
    CHECK(d >= 48000);
    CHECK(d <= 60000);  // the cap is a hard ceiling
  }
  // Seeded: the same seed gives the same delays.
  Rng a(42), b(42);
  for (int i = 0; i < 10; ++i)
    CHECK(backoff_delay(2, 1000, 60000, 0.5, a) == backoff_delay(2, 1000, 60000, 0.5, b));
}

TEST_CASE("retryable statuses back off exponentially and resend the same update",
          "[delivery][retry]") {
  for (int status : {0, 408, 425, 429, 500, 503, 599}) {
    CAPTURE(status);
    Engine e(retry_config());
    e.enqueue(kA, json{{"a", 1}}, 0);
    auto out = send_and_fail(e, 0, status);
    CHECK(out.retrying == std::vector<std::string>{"r-1"});
    CHECK(e.next_wake(0) == 1000);
    CHECK(e.take_ready(999, FlushReason::tick).empty());
    out = send_and_fail(e, 1000, status);  // second failure: 2 s
    CHECK(e.next_wake(1000) == 3000);
    out = send_and_fail(e, 3000, status);  // third: 4 s
    CHECK(e.next_wake(3000) == 7000);
    CHECK(e.stats().retried == 3);
    CHECK(e.pending()[0]["attempts"] == 3);
    CHECK(e.pending()[0]["id"] == "r-1");
  }
}

TEST_CASE("jittered retries in the engine stay within the bounds", "[delivery][retry]") {
  Config c = retry_config();
  c.jitter = 0.5;
  c.seed = 7;
  Engine e(c);
  e.enqueue(kA, json{{"a", 1}}, 0);
  send_and_fail(e, 0, 503);
  const int64_t wake = e.next_wake(0).value();
  CHECK(wake >= 500);
  CHECK(wake <= 1500);
}

TEST_CASE("Retry-After overrides backoff, in seconds or as a date, and is capped",
          "[delivery][retry]") {
  SECTION("seconds") {
    Engine e(retry_config());
    e.enqueue(kA, json{{"a", 1}}, 0);
    send_and_fail(e, 100, 503, "7");
    CHECK(e.next_wake(100) == 7100);
    CHECK(e.take_ready(7099, FlushReason::tick).empty());
    CHECK(e.take_ready(7100, FlushReason::tick).size() == 1);
  }
  SECTION("HTTP date") {
    Engine e(retry_config());
    const int64_t now = kRfcDateMs - 30000;
    e.enqueue(kA, json{{"a", 1}}, now);
    send_and_fail(e, now, 429, "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(e.next_wake(now) == kRfcDateMs);
  }
  SECTION("capped by retry_after_max_ms") {
    Config c = retry_config();
    c.retry_after_max_ms = 5000;
    Engine e(c);
    e.enqueue(kA, json{{"a", 1}}, 0);
    send_and_fail(e, 0, 503, "86400");
    CHECK(e.next_wake(0) == 5000);
  }
  SECTION("garbage falls back to backoff") {
    Engine e(retry_config());
    e.enqueue(kA, json{{"a", 1}}, 0);
    send_and_fail(e, 0, 503, "soon");
    CHECK(e.next_wake(0) == 1000);
  }
}

TEST_CASE("other 4xx dead-letter at once", "[delivery][deadletter]") {
  for (int status : {400, 401, 403, 413, 422}) {
    CAPTURE(status);
    Engine e(retry_config());
    e.enqueue(kA, json{{"a", 1}}, 0);
    auto out = send_and_fail(e, 0, status);
    CHECK(out.dead_lettered == std::vector<std::string>{"r-1"});
    CHECK(e.stats().queued == 0);
    CHECK(e.stats().dead_lettered == 1);
    auto dead = e.take_dead_letters();
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].id == "r-1");
    CHECK(dead[0].event_id == kA);
    CHECK(dead[0].feedback == json{{"a", 1}});
    CHECK(dead[0].status == status);
    CHECK(dead[0].reason == "rejected");
    CHECK(e.take_dead_letters().empty());  // drained
  }
}

TEST_CASE("give up after max_attempts or max_age", "[delivery][deadletter]") {
  SECTION("max_attempts") {
    Config c = retry_config();
    c.max_attempts = 3;
    Engine e(c);
    e.enqueue(kA, json{{"a", 1}}, 0);
    CHECK(send_and_fail(e, 0, 503).retrying.size() == 1);
    CHECK(send_and_fail(e, 1000, 503).retrying.size() == 1);
    auto out = send_and_fail(e, 3000, 503);
    CHECK(out.dead_lettered == std::vector<std::string>{"r-1"});
    auto dead = e.take_dead_letters();
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].reason == "max_attempts");
    CHECK(dead[0].attempts == 3);
    CHECK(dead[0].status == 503);
  }
  SECTION("max_age when a retry fails late") {
    Config c = retry_config();
    c.max_age_ms = 5000;
    Engine e(c);
    e.enqueue(kA, json{{"a", 1}}, 0);
    auto rs = e.take_ready(4000, FlushReason::flush);
    REQUIRE(rs.size() == 1);
    auto out = e.on_request_failed(rs[0].id, 0, "", 6000);  // timed out late
    CHECK(out.dead_lettered.size() == 1);
    CHECK(e.take_dead_letters()[0].reason == "max_age");
  }
  SECTION("max_age while queued, even waiting for the session") {
    Config c = retry_config();
    c.max_age_ms = 5000;
    Engine e(c);
    e.enqueue("", json{{"s", 1}}, 0);
    CHECK(e.next_wake(0) == 5000);
    CHECK(e.take_ready(4999, FlushReason::tick).empty());
    CHECK(e.stats().queued == 1);
    CHECK(e.take_ready(5000, FlushReason::tick).empty());
    CHECK(e.stats().queued == 0);
    auto dead = e.take_dead_letters();
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].reason == "max_age");
    CHECK(dead[0].event_id.empty());
  }
}

TEST_CASE("a partially failed batch retries only the failed updates", "[delivery][retry]") {
  Engine e(retry_config());
  e.enqueue(kA, json{{"a", 1}}, 0);
  e.enqueue(kB, json{{"b", 1}}, 0);
  e.enqueue(kC, json{{"c", 1}}, 0);
  auto rs = e.take_ready(0, FlushReason::flush);
  REQUIRE(rs.size() == 1);
  REQUIRE(rs[0].updates.size() == 3);
  // r-3 is missing from the response: it counts as not delivered.
  auto out = e.on_result(rs[0].id, {{"r-1", 200, ""}, {"r-2", 503, ""}, {"r-9", 200, ""}}, 10);
  CHECK(out.known_request);
  CHECK(out.delivered == std::vector<std::string>{"r-1"});
  CHECK(out.retrying == std::vector<std::string>{"r-2", "r-3"});
  CHECK(e.stats().sent == 1);

  auto again = e.take_ready(1010, FlushReason::tick);
  REQUIRE(again.size() == 1);
  REQUIRE(again[0].updates.size() == 2);
  CHECK(again[0].updates[0].id == "r-2");
  CHECK(again[0].updates[1].id == "r-3");
}

TEST_CASE("results for unknown or settled requests are ignored", "[delivery][retry]") {
  Engine e(retry_config());
  e.enqueue(kA, json{{"a", 1}}, 0);
  auto rs = e.take_ready(0, FlushReason::flush);
  CHECK_FALSE(e.on_result("r-999", {{"r-1", 200, ""}}, 1).known_request);
  CHECK(e.stats().in_flight == 1);
  CHECK(e.on_request_failed(rs[0].id, 200, "", 2).delivered.size() == 1);
  auto dup = e.on_request_failed(rs[0].id, 500, "", 3);  // a late duplicate
  CHECK_FALSE(dup.known_request);
  CHECK(e.stats().sent == 1);
  CHECK(e.stats().queued == 0);
  CHECK(e.stats().retried == 0);
}

TEST_CASE("the dead-letter list is capped, newest kept", "[delivery][deadletter]") {
  Config c = retry_config();
  c.max_dead_letters = 2;
  Engine e(c);
  for (const auto& t : {kA, kB, kC}) {
    e.enqueue(t, json{{"x", 1}}, 0);
    send_and_fail(e, 0, 400);
  }
  CHECK(e.stats().dead_lettered == 3);
  CHECK(e.stats().dead_letters_evicted == 1);
  auto dead = e.take_dead_letters();
  REQUIRE(dead.size() == 2);
  CHECK(dead[0].id == "r-2");
  CHECK(dead[1].id == "r-3");
}
