// Delivery engine: flush triggers, request caps, in-flight bound, the
// `hidden` rules and next_wake. Time is a plain integer (fake clock).
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "delivery/engine.hpp"
#include "delivery/json_read.hpp"

using nlohmann::json;
using tf::delivery::Config;
using tf::delivery::Engine;
using tf::delivery::FlushReason;
using tf::delivery::Request;

namespace {

Config flush_config() {
  Config c;
  c.client_id = "f";
  c.flush_at_updates = 3;
  c.flush_at_bytes = 100000;
  c.flush_interval_ms = 1000;
  c.jitter = 0;
  return c;
}

std::string target(int i) {
  std::string id = "00000000-0000-4000-8000-000000000000";
  const std::string n = std::to_string(i);
  return id.replace(id.size() - n.size(), n.size(), n);
}

// The wire body the proxy receives for `r`.
std::string body_of(const Request& r) {
  json updates = json::array();
  for (const auto& u : r.updates) {
    updates.push_back({{"id", u.id}, {"event_id", u.event_id}, {"feedback", u.feedback}});
  }
  return tf::delivery::dump_safe(json{{"updates", updates}});
}

std::size_t count_updates(const std::vector<Request>& rs) {
  std::size_t n = 0;
  for (const auto& r : rs) n += r.updates.size();
  return n;
}

}  // namespace

TEST_CASE("flush triggers: count, bytes, interval, explicit, hidden", "[delivery][flush]") {
  SECTION("pending count reaches flush_at_updates") {
    Engine e(flush_config());
    e.enqueue(target(1), json{{"a", 1}}, 0);
    e.enqueue(target(2), json{{"a", 1}}, 0);
    CHECK(e.take_ready(1, FlushReason::tick).empty());
    e.enqueue(target(3), json{{"a", 1}}, 1);
    auto rs = e.take_ready(1, FlushReason::tick);
    REQUIRE(rs.size() == 1);
    CHECK(rs[0].updates.size() == 3);
    CHECK(e.stats().in_flight == 3);
  }
  SECTION("pending bytes reach flush_at_bytes") {
    Config c = flush_config();
    c.flush_at_bytes = 200;
    Engine e(c);
    e.enqueue(target(1), json{{"a", 1}}, 0);
    CHECK(e.take_ready(1, FlushReason::tick).empty());
    e.enqueue(target(2), json{{"a", std::string(200, 'x')}}, 1);
    CHECK(count_updates(e.take_ready(1, FlushReason::tick)) == 2);
  }
  SECTION("the oldest pending update is older than flush_interval_ms") {
    Engine e(flush_config());
    e.enqueue(target(1), json{{"a", 1}}, 0);
    e.enqueue(target(1), json{{"a", 2}}, 900);  // a merge does not reset the age
    CHECK(e.next_wake(900) == 1000);
    CHECK(e.take_ready(999, FlushReason::tick).empty());
    CHECK(count_updates(e.take_ready(1000, FlushReason::tick)) == 1);
  }
  SECTION("explicit flush and hidden send at once") {
    Engine e(flush_config());
    e.enqueue(target(1), json{{"a", 1}}, 0);
    CHECK(count_updates(e.take_ready(0, FlushReason::flush)) == 1);
    e.enqueue(target(2), json{{"a", 1}}, 0);
    CHECK(count_updates(e.take_ready(0, FlushReason::hidden)) == 1);
  }
}

TEST_CASE("requests are capped by update count and bytes", "[delivery][flush][caps]") {
  SECTION("max_request_updates") {
    Config c = flush_config();
    c.max_request_updates = 2;
    Engine e(c);
    for (int i = 1; i <= 5; ++i) e.enqueue(target(i), json{{"a", i}}, 0);
    auto rs = e.take_ready(0, FlushReason::flush);
    REQUIRE(rs.size() == 3);
    CHECK(rs[0].updates.size() == 2);
    CHECK(rs[1].updates.size() == 2);
    CHECK(rs[2].updates.size() == 1);
    CHECK(rs[0].id != rs[1].id);
    // Queue order is kept across requests.
    CHECK(rs[0].updates[0].id == "f-1");
    CHECK(rs[2].updates[0].id == "f-5");
  }
  SECTION("max_request_bytes, and bytes is the exact body size") {
    Config c = flush_config();
    c.max_request_bytes = 1024;
    Engine e(c);
    for (int i = 1; i <= 5; ++i) e.enqueue(target(i), json{{"a", std::string(350, 'x')}}, 0);
    auto rs = e.take_ready(0, FlushReason::flush);
    REQUIRE(rs.size() == 3);
    CHECK(count_updates(rs) == 5);
    for (const auto& r : rs) {
      CHECK(r.bytes == body_of(r).size());
      CHECK(r.bytes <= 1024);
    }
  }
}

TEST_CASE("one_update_per_request sends each update alone", "[delivery][flush]") {
  Config c = flush_config();
  c.one_update_per_request = true;
  Engine e(c);
  for (int i = 1; i <= 3; ++i) e.enqueue(target(i), json{{"a", i}}, 0);
  auto rs = e.take_ready(0, FlushReason::flush);
  REQUIRE(rs.size() == 3);
  for (const auto& r : rs) CHECK(r.updates.size() == 1);
}

TEST_CASE("in-flight requests are bounded, except when hidden", "[delivery][flush]") {
  Config c = flush_config();
  c.one_update_per_request = true;
  c.max_in_flight_requests = 2;
  Engine e(c);
  for (int i = 1; i <= 4; ++i) e.enqueue(target(i), json{{"a", i}}, 0);
  auto rs = e.take_ready(0, FlushReason::flush);
  REQUIRE(rs.size() == 2);
  CHECK(e.take_ready(0, FlushReason::flush).empty());
  // With every slot taken, time cannot help; only age deadlines remain
  // (woken at least every kMaxWakeMs, so a long wait is never clamped).
  CHECK(e.next_wake(0) == std::min(c.max_age_ms, tf::delivery::kMaxWakeMs));

  e.on_request_failed(rs[0].id, 204, "", 1);
  auto more = e.take_ready(1, FlushReason::flush);
  REQUIRE(more.size() == 1);
  CHECK(more[0].updates[0].id == "f-3");

  // The page is going away: the bound no longer applies.
  auto last = e.take_ready(2, FlushReason::hidden);
  REQUIRE(last.size() == 1);
  CHECK(last[0].updates[0].id == "f-4");
  CHECK(e.stats().in_flight == 3);
}

TEST_CASE("hidden skips exponential backoff but honours Retry-After", "[delivery][flush][hidden]") {
  Engine e(flush_config());
  e.enqueue(target(1), json{{"a", 1}}, 0);
  e.enqueue(target(2), json{{"a", 2}}, 0);
  auto rs = e.take_ready(0, FlushReason::flush);
  REQUIRE(rs.size() == 1);
  e.on_result(rs[0].id, {{"f-1", 503, ""}, {"f-2", 429, "120"}}, 10);

  CHECK(e.take_ready(11, FlushReason::tick).empty());
  CHECK(e.take_ready(11, FlushReason::flush).empty());  // explicit respects backoff
  auto hidden = e.take_ready(11, FlushReason::hidden);
  REQUIRE(hidden.size() == 1);
  REQUIRE(hidden[0].updates.size() == 1);
  CHECK(hidden[0].updates[0].id == "f-1");

  CHECK(e.take_ready(120009, FlushReason::hidden).empty());
  auto after = e.take_ready(120010, FlushReason::hidden);
  REQUIRE(after.size() == 1);
  CHECK(after[0].updates[0].id == "f-2");
}

TEST_CASE("hidden requests stay within the keepalive budget in total",
          "[delivery][flush][hidden]") {
  Config c = flush_config();
  c.max_request_bytes = 1024;
  c.hidden_budget_bytes = 2048;
  Engine e(c);
  for (int i = 1; i <= 8; ++i) e.enqueue(target(i), json{{"a", std::string(350, 'x')}}, 0);
  auto rs = e.take_ready(0, FlushReason::hidden);
  std::size_t total = 0;
  for (const auto& r : rs) {
    CHECK(r.bytes <= 1024);
    total += body_of(r).size();
  }
  CHECK(total <= 2048);
  CHECK(count_updates(rs) >= 4);
  CHECK(count_updates(rs) < 8);
  CHECK(e.stats().queued == 8 - count_updates(rs));  // the rest waits, not dropped
}

TEST_CASE("a due retry opens a flush and pending updates ride along", "[delivery][flush]") {
  Engine e(flush_config());
  e.enqueue(target(1), json{{"a", 1}}, 0);
  auto rs = e.take_ready(0, FlushReason::flush);
  e.on_request_failed(rs[0].id, 500, "", 0);  // retry at 1000
  e.enqueue(target(2), json{{"a", 1}}, 500);  // would wait until 1500 alone
  CHECK(e.next_wake(600) == 1000);
  auto retry = e.take_ready(1000, FlushReason::tick);
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].updates.size() == 2);
}

TEST_CASE("next_wake reports the earliest timed event or none", "[delivery][wake]") {
  Engine e(flush_config());
  CHECK_FALSE(e.next_wake(0).has_value());
  e.enqueue("", json{{"a", 1}}, 0);  // waiting for the session: only its age
  CHECK(e.next_wake(0) == std::min(flush_config().max_age_ms, tf::delivery::kMaxWakeMs));
  e.enqueue(target(1), json{{"a", 1}}, 100);
  CHECK(e.next_wake(200) == 1100);
  CHECK(e.next_wake(5000) == 5000);  // overdue means now, never the past
  auto rs = e.take_ready(5000, FlushReason::tick);
  REQUIRE(rs.size() == 1);
  CHECK(e.next_wake(5000) == 5000 + tf::delivery::kMaxWakeMs);
  e.on_request_failed(rs[0].id, 0, "", 6000);
  CHECK(e.next_wake(6000) == 7000);
}
