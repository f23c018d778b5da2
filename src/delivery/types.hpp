// Plain data that goes in and out of the delivery engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tf::delivery {

enum class Error {
  none,
  queue_full,           // the caps would be exceeded; nothing queued is lost
  update_too_large,     // one update alone could never fit in a request
  invalid_event_id,     // empty where not allowed, too long, or not a string
  invalid_feedback,     // not an object, or nested too deep
  invalid_snapshot,     // not a snapshot this engine can read
  unsupported_version,  // a snapshot of a format version we do not know
};

// Stable snake_case name of `e`, used as the `code` in JSON errors.
const char* error_code(Error e);

// Why take_ready() is called. `flush` is the app's explicit flush();
// `hidden` is visibilitychange→hidden / pagehide (see Engine::take_ready).
enum class FlushReason { tick, flush, hidden };

struct EnqueueResult {
  Error error = Error::none;
  std::string message;                  // human detail when error != none
  std::string update_id;                // the update now holding the feedback
  std::optional<std::string> event_id;  // nullopt while waiting for session
  bool merged = false;                  // folded into an existing update
  bool waiting_for_session = false;
};

struct SessionResult {
  Error error = Error::none;
  std::vector<std::string> retargeted;  // ids now aimed at the session
  // Never-sent updates folded together by the retarget: {from, into}.
  std::vector<std::pair<std::string, std::string>> merged;
};

// One update as it goes on the wire (proxy batch format).
struct OutgoingUpdate {
  std::string id;
  std::string event_id;
  nlohmann::json feedback;
};

struct Request {
  std::string id;
  std::vector<OutgoingUpdate> updates;
  // Size of the body {"updates":[...]}; an upper bound for the direct
  // transport's {"feedback":...} body.
  std::size_t bytes = 0;
};

// Outcome of one update inside a request. status 0 = network error or
// timeout; retry_after is the raw Retry-After header ("" when absent).
struct UpdateResult {
  UpdateResult() = default;
  UpdateResult(std::string id, int s, std::string ra = "", std::string c = "",
               std::string why = "")
      : update_id(std::move(id)),
        status(s),
        retry_after(std::move(ra)),
        code(std::move(c)),
        cause(std::move(why)) {}
  std::string update_id;
  int status = 0;
  std::string retry_after;
  std::string code;  // the proxy's per-update code ("unknown_event", ...), "" if none
  // What went wrong, in words ("network error or timeout (POST ...)");
  // "" lets the engine describe it from status and code.
  std::string cause;
};

// Longest cause kept (bytes): it comes from the caller and ends up in
// snapshots and error messages.
inline constexpr std::size_t kMaxCauseBytes = 300;

// `cause` cut to kMaxCauseBytes without splitting a UTF-8 sequence.
std::string bounded_cause(std::string_view cause);

// The cause of a failed result when the caller gave none:
// "network error or timeout" for 0, else "answered 503 (overloaded)".
std::string describe_failure(int status, std::string_view code);

struct ResultOutcome {
  bool known_request = false;  // false: unknown/stale id, nothing changed
  std::vector<std::string> delivered;
  std::vector<std::string> retrying;
  std::vector<std::string> dead_lettered;
};

struct DeadLetter {
  std::string id;
  std::string event_id;  // "" if the target was never known
  nlohmann::json feedback;
  int status = 0;      // last HTTP status, 0 if none / network error
  // rejected | max_attempts | max_age | unknown_event | too_large | orphaned_session
  std::string reason;
  int attempts = 0;
  std::string cause;  // the last failure's cause, "" if never sent
};

// "dead-lettered after 3 attempts; last: <cause>" ("1 attempt"), or
// "dead-lettered before any attempt (<reason>)".
std::string dead_letter_message(const DeadLetter& d);

struct Stats {
  std::size_t queued = 0;  // pending + waiting for session + backing off
  std::size_t in_flight = 0;
  std::size_t waiting_for_session = 0;
  uint64_t sent = 0;     // updates delivered (2xx)
  uint64_t retried = 0;  // retries scheduled after a failure
  uint64_t dropped = 0;  // enqueues refused (queue_full, update_too_large)
  uint64_t dead_lettered = 0;
  uint64_t dead_letters_evicted = 0;  // pushed out of the capped list
};

// Outcome of restore()/absorb(); on error the engine is unchanged.
struct LoadResult {
  Error error = Error::none;
  std::string message;
  std::size_t added = 0;    // updates taken in
  std::size_t skipped = 0;  // absorb: ids this engine already held
};

}  // namespace tf::delivery
