// Retry policy: which statuses retry, how long to back off, Retry-After.
//
// Kept apart from the engine so each rule is testable on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tf::delivery {

enum class StatusClass { delivered, retry, unknown_event, reject };

// 2xx delivered; 0 (network/timeout), 408, 425, 429 and 5xx retry; 404
// is unknown_event (the event may not be ingested yet: retried inside the
// settle window, see Config::unknown_event_retry_ms); any other status
// (4xx, and 1xx/3xx which fetch never surfaces for a PUT) is a permanent
// rejection. Out-of-range values count as network errors (the JSON facade
// refuses them as malformed answers before they get here).
// Pinned by tests/rules/table.json ("status").
StatusClass classify_status(int status);

// Delay in ms the server asked for, from a Retry-After value relative to
// `now_ms` (epoch ms): delta-seconds ("120") or an IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"). A date in the past gives 0.
// nullopt for empty or malformed values (then normal backoff applies).
std::optional<int64_t> parse_retry_after(std::string_view value, int64_t now_ms);

// splitmix64: tiny, seedable, and its whole state is one integer, so it
// persists in a snapshot and a restored engine jitters identically.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  double unit();  // uniform in [0, 1)
  uint64_t state() const { return state_; }

 private:
  uint64_t state_;
};

// Exponential backoff before the retry after `attempts` sends (>= 1):
// base * 2^(attempts-1), capped at max_delay, then scaled by a uniform
// factor in [1 - jitter, 1 + jitter] and capped again: the cap is a hard
// ceiling, jitter only spreads delays below it.
int64_t backoff_delay(int attempts, int64_t base_ms, int64_t max_delay_ms, double jitter, Rng& rng);

}  // namespace tf::delivery
