// Tunables of the delivery engine, with the defaults the browser uses.
//
// Sizes are in bytes of serialized JSON; times in milliseconds. The engine
// never reads a clock: every time is passed in by the caller, and times
// that get persisted (snapshot) must be wall-clock epoch milliseconds
// (Date.now()), not performance.now(), so they survive a reload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tf::delivery {

struct Config {
  // Prefix of update ids; must differ between tabs so ids never collide.
  std::string client_id = "tf";

  // Flush triggers for never-sent updates.
  std::size_t flush_at_updates = 20;
  std::size_t flush_at_bytes = 32768;
  int64_t flush_interval_ms = 1000;

  // Request shape. 60000 keeps a request under the 64 KiB keepalive budget.
  std::size_t max_request_updates = 100;
  std::size_t max_request_bytes = 60000;
  std::size_t max_update_bytes = 60000;
  bool one_update_per_request = false;  // direct HoneyHive PUT per event
  std::size_t max_in_flight_requests = 4;
  // Total bytes a `hidden` flush may hand out: the browser's keepalive /
  // sendBeacon quota is 64 KiB for all such requests together.
  std::size_t hidden_budget_bytes = 65536;

  // Retries.
  int64_t retry_base_ms = 1000;
  int64_t retry_max_delay_ms = 60000;
  int64_t retry_after_max_ms = 600000;  // ceiling on a server's Retry-After
  int max_attempts = 10;
  int64_t max_age_ms = 86400000;
  // Settle window: a 404 (or a result with code "unknown_event") means the
  // event is not ingested yet (HoneyHive ingests OTLP spans seconds after
  // the page sees the answer), so it is retried with the normal backoff
  // until first capture + this, then dead-lettered as unknown_event.
  int64_t unknown_event_retry_ms = 120000;
  double jitter = 0.2;  // delay * (1 ± jitter)
  // Jitter entropy: the client passes 53 random bits per page
  // (crypto.getRandomValues), so clients that failed in the same outage
  // do not retry in lockstep. Kept to 53 bits so it survives JSON in JS.
  uint64_t seed = 1;

  // Caps on what the engine holds.
  std::size_t max_queue_updates = 10000;
  std::size_t max_queue_bytes = 4194304;
  std::size_t max_dead_letters = 100;
};

// The first rule `c` breaks, as "field: why", or "" when it is usable.
// The engine clamps a bad config rather than misbehave, but callers that
// take config from users should report this instead.
std::string config_problem(const Config& c);

// `c` with every field forced into its valid range (what the engine runs
// with when handed a config that config_problem() rejects).
Config clamp_config(Config c);

}  // namespace tf::delivery
