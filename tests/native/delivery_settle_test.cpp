// The settle window (issue 10.3): a 404, or a per-update result with code
// "unknown_event", means the event is not ingested yet. It is retried with
// the normal backoff and Retry-After until first capture +
// unknown_event_retry_ms, then dead-lettered as unknown_event. Fake clock.
#include <catch2/catch.hpp>
#include <string>

#include "delivery/config_json.hpp"
#include "delivery/engine.hpp"

using nlohmann::json;
using tf::delivery::Config;
using tf::delivery::Engine;
using tf::delivery::FlushReason;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-00000000000a";

Config settle_config() {
  Config c;
  c.client_id = "s";
  c.jitter = 0;
  c.retry_base_ms = 1000;
  c.retry_max_delay_ms = 60000;
  c.unknown_event_retry_ms = 120000;
  return c;
}

// Sends what is due at `now` (one request) and answers `status`/`code` for it.
tf::delivery::ResultOutcome answer(Engine& e, int64_t now, int status, const std::string& code = "",
                                   const std::string& retry_after = "") {
  auto rs = e.take_ready(now, FlushReason::tick);
  REQUIRE(rs.size() == 1);
  REQUIRE(rs[0].updates.size() == 1);
  return e.on_result(rs[0].id, {{rs[0].updates[0].id, status, retry_after, code}}, now);
}

}  // namespace

TEST_CASE("404 retries with backoff inside the settle window, then unknown_event",
          "[delivery][settle]") {
  Engine e(settle_config());
  e.enqueue(kA, json{{"rating", 1}}, 0);
  auto rs = e.take_ready(0, FlushReason::flush);
  REQUIRE(rs.size() == 1);
  auto out = e.on_request_failed(rs[0].id, 404, "", 0);
  CHECK(out.retrying == std::vector<std::string>{"s-1"});
  // Normal backoff: 1 s, 2 s, 4 s, ...
  CHECK(e.next_wake(0) == 1000);
  CHECK(e.take_ready(999, FlushReason::tick).empty());
  answer(e, 1000, 404);
  CHECK(e.next_wake(1000) == 3000);
  answer(e, 3000, 404);
  CHECK(e.next_wake(3000) == 7000);
  int64_t now = 7000;
  while (now < 120000) {
    const auto o = answer(e, now, 404);
    REQUIRE(o.retrying.size() == 1);
    now = e.next_wake(now).value();
  }
  // The last backoff is cut to the window's end: one last try exactly then.
  CHECK(now == 120000);
  out = answer(e, now, 404);
  CHECK(out.dead_lettered == std::vector<std::string>{"s-1"});
  auto dead = e.take_dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "unknown_event");
  CHECK(dead[0].status == 404);
  CHECK(dead[0].feedback == json{{"rating", 1}});
  CHECK(e.stats().queued == 0);
  CHECK(e.stats().in_flight == 0);
}

TEST_CASE("the event appears inside the window: delivered once", "[delivery][settle]") {
  Engine e(settle_config());
  e.enqueue(kA, json{{"rating", 1}}, 0);
  answer(e, 1000, 404);  // the flush interval sends it at 1 s
  const int64_t retry = e.next_wake(1000).value();
  CHECK(retry == 2000);
  const auto out = answer(e, retry, 200);
  CHECK(out.delivered == std::vector<std::string>{"s-1"});
  CHECK(e.stats().sent == 1);
  CHECK(e.take_dead_letters().empty());
}

TEST_CASE("code unknown_event counts like a 404, whatever the status", "[delivery][settle]") {
  Engine e(settle_config());
  e.enqueue(kA, json{{"rating", 1}}, 0);
  auto out = answer(e, 1000, 400, "unknown_event");
  CHECK(out.retrying.size() == 1);
  CHECK(e.take_dead_letters().empty());
}

TEST_CASE("Retry-After is honoured inside the settle window", "[delivery][settle]") {
  Engine e(settle_config());
  e.enqueue(kA, json{{"rating", 1}}, 0);
  answer(e, 1000, 404, "unknown_event", "5");
  CHECK(e.next_wake(1000) == 6000);
  CHECK(e.take_ready(5999, FlushReason::tick).empty());
}

TEST_CASE("the window runs from the first capture, not the last merge", "[delivery][settle]") {
  Config c = settle_config();
  c.unknown_event_retry_ms = 10000;
  c.flush_interval_ms = 100000;  // keep it unsent while merging
  Engine e(c);
  e.enqueue(kA, json{{"a", 1}}, 0);
  e.enqueue(kA, json{{"b", 1}}, 9000);  // merged into s-1
  auto rs = e.take_ready(10000, FlushReason::flush);
  REQUIRE(rs.size() == 1);
  auto out = e.on_request_failed(rs[0].id, 404, "", 10000);
  CHECK(out.dead_lettered == std::vector<std::string>{"s-1"});
  CHECK(e.take_dead_letters()[0].reason == "unknown_event");
}

TEST_CASE("a zero window makes 404 final at once, other 4xx stay final", "[delivery][settle]") {
  Config c = settle_config();
  c.unknown_event_retry_ms = 0;
  Engine e(c);
  e.enqueue(kA, json{{"a", 1}}, 0);
  auto out = answer(e, 1000, 404);
  CHECK(out.dead_lettered.size() == 1);
  CHECK(e.take_dead_letters()[0].reason == "unknown_event");

  Engine f(settle_config());
  f.enqueue(kA, json{{"a", 1}}, 0);
  out = answer(f, 1000, 403);
  CHECK(out.dead_lettered.size() == 1);
  CHECK(f.take_dead_letters()[0].reason == "rejected");
}

TEST_CASE("unknownEventRetryMs: default, parsed, range-checked", "[delivery][settle][config]") {
  CHECK(Config{}.unknown_event_retry_ms == 120000);
  auto p = tf::delivery::parse_config(R"({"unknownEventRetryMs":5000})");
  CHECK(p.errors.empty());
  CHECK(p.config.unknown_event_retry_ms == 5000);
  p = tf::delivery::parse_config(R"({"unknownEventRetryMs":-1})");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0]["path"] == "unknownEventRetryMs");
  p = tf::delivery::parse_config(R"({"unknownEventRetryMs":1e14})");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0]["path"] == "unknownEventRetryMs");
}
