// Validation of delivery tunables; see config.hpp.
#include "delivery/config.hpp"

namespace tf::delivery {

namespace {

// Persisted times are epoch ms around 1.7e12; keeping durations below
// 1e13 (~300 years) makes every `now + duration` free of overflow.
constexpr int64_t kMaxDuration = 10'000'000'000'000;

// Ids travel in JSON, headers and logs; a restricted alphabet keeps them
// plain and unambiguous.
bool client_id_ok(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string config_problem(const Config& c) {
  if (!client_id_ok(c.client_id)) return "client_id: 1 to 64 of letters, digits, '-', '_', '.'";
  if (c.flush_at_updates < 1) return "flush_at_updates: at least 1";
  if (c.flush_at_bytes < 1) return "flush_at_bytes: at least 1";
  if (c.flush_interval_ms < 0 || c.flush_interval_ms > kMaxDuration) {
    return "flush_interval_ms: 0 to 1e13";
  }
  if (c.max_request_updates < 1) return "max_request_updates: at least 1";
  if (c.max_request_bytes < 1024) return "max_request_bytes: at least 1024";
  if (c.max_update_bytes < 256) return "max_update_bytes: at least 256";
  if (c.max_in_flight_requests < 1) return "max_in_flight_requests: at least 1";
  if (c.hidden_budget_bytes < 1024) return "hidden_budget_bytes: at least 1024";
  if (c.retry_base_ms < 1 || c.retry_base_ms > kMaxDuration) return "retry_base_ms: 1 to 1e13";
  if (c.retry_max_delay_ms < c.retry_base_ms || c.retry_max_delay_ms > kMaxDuration) {
    return "retry_max_delay_ms: retry_base_ms to 1e13";
  }
  if (c.retry_after_max_ms < 0 || c.retry_after_max_ms > kMaxDuration) {
    return "retry_after_max_ms: 0 to 1e13";
  }
  if (c.max_attempts < 1) return "max_attempts: at least 1";
  if (c.max_age_ms < 1 || c.max_age_ms > kMaxDuration) return "max_age_ms: 1 to 1e13";
  if (c.unknown_event_retry_ms < 0 || c.unknown_event_retry_ms > kMaxDuration) {
    return "unknown_event_retry_ms: 0 to 1e13";
  }
  if (!(c.jitter >= 0.0 && c.jitter <= 1.0)) return "jitter: 0 to 1";
  if (c.max_queue_updates < 1) return "max_queue_updates: at least 1";
  if (c.max_queue_bytes < 1024) return "max_queue_bytes: at least 1024";
  return "";
}

Config clamp_config(Config c) {
  if (!client_id_ok(c.client_id)) c.client_id = Config{}.client_id;
  auto at_least = [](auto& v, auto lo) { v = v < lo ? lo : v; };
  auto within = [](auto& v, auto lo, auto hi) { v = v < lo ? lo : (v > hi ? hi : v); };
  at_least(c.flush_at_updates, std::size_t{1});
  at_least(c.flush_at_bytes, std::size_t{1});
  within(c.flush_interval_ms, int64_t{0}, kMaxDuration);
  at_least(c.max_request_updates, std::size_t{1});
  at_least(c.max_request_bytes, std::size_t{1024});
  at_least(c.max_update_bytes, std::size_t{256});
  at_least(c.max_in_flight_requests, std::size_t{1});
  at_least(c.hidden_budget_bytes, std::size_t{1024});
  within(c.retry_base_ms, int64_t{1}, kMaxDuration);
  within(c.retry_max_delay_ms, c.retry_base_ms, kMaxDuration);
  within(c.retry_after_max_ms, int64_t{0}, kMaxDuration);
  at_least(c.max_attempts, 1);
  within(c.max_age_ms, int64_t{1}, kMaxDuration);
  within(c.unknown_event_retry_ms, int64_t{0}, kMaxDuration);
  if (!(c.jitter >= 0.0)) c.jitter = 0.0;  // also catches NaN
  if (c.jitter > 1.0) c.jitter = 1.0;
  at_least(c.max_queue_updates, std::size_t{1});
  at_least(c.max_queue_bytes, std::size_t{1024});
  c.seed &= (uint64_t{1} << 53) - 1;  // exact as a JS number in the snapshot
  return c;
}

}  // namespace tf::delivery
