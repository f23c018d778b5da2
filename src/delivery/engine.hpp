// The sans-I/O delivery engine: queue, merge, batch, retry, persist.
//
// The caller tells it what happened and when (enqueue, set_session,
// on_result, all with `now` in epoch ms) and asks what to do
// (take_ready: requests to send now; next_wake: when to ask again). It
// never reads a clock, sleeps, or does I/O, so every rule is a native test
// with integer time.
//
// Contract for the caller (web/ side):
//   - after every call, re-arm one timer for next_wake(now);
//   - when the timer fires, or after on_result, call take_ready(now, tick);
//   - on flush() call take_ready(now, flush); on pagehide or
//     visibilitychange→hidden call take_ready(now, hidden), send with
//     keepalive/sendBeacon, then persist snapshot();
//   - after a reload, restore() the snapshot: requests that were in
//     flight come back as retryable (their ids are kept, so a resend is
//     idempotent at the proxy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delivery/config.hpp"
#include "delivery/retry.hpp"
#include "delivery/types.hpp"

namespace tf::delivery {

// Event and session ids go into URLs (/v1/events/{id}) with the direct
// transport: only the canonical UUID form is accepted, the same rule as
// validation's is_uuid (which rules out "..", spaces and the like).
inline constexpr std::size_t kMaxEventIdBytes = 36;
bool valid_event_id(std::string_view id);

// Clock steps (issue 11.5). `now` is meant to be monotonic within a page
// (performance.timeOrigin + performance.now()), but a caller's clock may
// still jump. The engine runs on its own timeline, advanced by each call's
// `now - previous now` clamped to [0, kMaxClockStepMs]: a backward jump
// never stretches a delay past its own length, a forward jump ages
// nothing by more than an hour. next_wake() asks to be woken at least every
// kMaxWakeMs while anything is timed, so real waits are never clamped.
inline constexpr int64_t kMaxClockStepMs = 3'600'000;
inline constexpr int64_t kMaxWakeMs = kMaxClockStepMs / 2;

// Bytes of {"updates":[ ... ]} around the comma-separated updates.
inline constexpr std::size_t kRequestOverheadBytes = 14;

class Engine {
 public:
  explicit Engine(Config config);

  // Queues `feedback` (an object) for `event_id`; "" means the session
  // (waits, unsent and undropped, until set_session). Merges into the last
  // never-sent update for that target when the result still fits.
  EnqueueResult enqueue(std::string_view event_id, const nlohmann::json& feedback, int64_t now);
  // The same, taking the feedback over instead of copying it (the capture
  // path: the value was parsed for this call only). `feedback` is left in
  // an unspecified state, also when the enqueue is refused.
  EnqueueResult enqueue(std::string_view event_id, nlohmann::json&& feedback, int64_t now);
  // The capture path's enqueue (ClientCore::capture): `feedback` came out
  // of parse_and_validate_feedback without issues, so it is an object
  // nested within the rules' depth (far under kMaxFeedbackDepth) and its
  // depth is not walked a second time. The event id is still checked.
  EnqueueResult enqueue_validated(std::string_view event_id, nlohmann::json&& feedback, int64_t now);

  // Learns the session id: updates waiting for it are retargeted, and
  // never-sent neighbours for the session are merged.
  SessionResult set_session(std::string_view session_id, int64_t now);
  const std::optional<std::string>& session_id() const { return s_.session_id; }

  // Requests to send now; marks their updates in flight. See engine.cpp
  // for the exact rules of each reason (notably `hidden`).
  std::vector<Request> take_ready(int64_t now, FlushReason reason);

  // Outcome of a request: per update, or the same status for all of it.
  // Updates of the request missing from `results` count as status 0.
  // An unknown (stale, already settled) request id changes nothing.
  ResultOutcome on_result(std::string_view request_id, const std::vector<UpdateResult>& results,
                          int64_t now);
  // The whole request failed (network, CORS, a malformed answer, ...):
  // `cause` says how, in words, and is kept per update for its dead letter.
  ResultOutcome on_request_failed(std::string_view request_id, int status,
                                  std::string_view retry_after, std::string_view cause,
                                  int64_t now);
  ResultOutcome on_request_failed(std::string_view request_id, int status,
                                  std::string_view retry_after, int64_t now) {
    return on_request_failed(request_id, status, retry_after, {}, now);
  }

  // Update ids of an in-flight request, or nullptr for an unknown one.
  const std::vector<std::string>* request_updates(std::string_view request_id) const;

  // The page cannot learn the outcome of what is in flight (reload,
  // unload, sendBeacon): make it retryable now, same ids and content. Not
  // counted as a failure. Returns the update ids.
  std::vector<std::string> abandon_in_flight(int64_t now);

  // Absolute time of the next thing to do, or nullopt if nothing is timed.
  std::optional<int64_t> next_wake(int64_t now) const;

  Stats stats() const;
  // [{"id","event_id"|null,"feedback","attempts"}] of queued (not in
  // flight) updates in send order.
  nlohmann::json pending() const;
  std::vector<DeadLetter> take_dead_letters();

  // Versioned JSON text of the whole state; see engine_snapshot.cpp.
  // write_snapshot appends it to `out` (reserved once), snapshot_text
  // returns it, snapshot() reads it back as a DOM.
  void write_snapshot(std::string& out) const;
  std::string snapshot_text() const;
  nlohmann::json snapshot() const;
  // Replaces the state with `snap`; on any error the engine is unchanged.
  LoadResult restore(const nlohmann::json& snap, int64_t now);
  // Takes in another engine's (tab's) updates, skipping ids already held.
  LoadResult absorb(const nlohmann::json& snap, int64_t now);

  const Config& config() const { return config_; }

 private:
  struct Entry {
    std::string id;
    std::string event_id;  // "" while waiting for the session
    nlohmann::json feedback;
    int attempts = 0;  // sends so far; 0 = never sent, may still merge
    int64_t first_enqueued_ms = 0;
    int64_t next_attempt_ms = 0;
    int64_t retry_after_until_ms = 0;  // > 0: the server asked to wait
    int last_status = 0;
    std::string last_cause;  // why the last attempt failed, "" if none
    std::size_t bytes = 0;
    std::string request_id;  // non-empty while in flight
    bool removed = false;    // settled out; on_result drops it before returning
  };

  // Everything restore() replaces, kept together so that a failed load
  // can be built aside and swapped in whole or not at all.
  struct State {
    std::vector<Entry> queue;  // send order; per target, earlier first
    std::map<std::string, std::vector<std::string>> in_flight;  // request → update ids
    std::optional<std::string> session_id;
    uint64_t next_update = 1;
    uint64_t next_request = 1;
    Rng rng{1};
    std::vector<DeadLetter> dead_letters;
    std::size_t queued_bytes = 0;
    Stats counters;  // only the cumulative counters are kept here
  };

  std::size_t max_update_bytes() const;
  // Refuses what enqueue() never queues (bad id, not a bounded object).
  bool refuse_input(std::string_view event_id, const nlohmann::json& feedback,
                    EnqueueResult& r) const;
  bool refuse_target(std::string_view event_id, EnqueueResult& r) const;
  // enqueue() past those checks, at engine time `now`.
  EnqueueResult enqueue_valid(std::string_view event_id, nlohmann::json&& feedback, int64_t now);
  std::size_t entry_bytes(const Entry& e) const;
  void dead_letter(Entry e, std::string reason);
  void expire(int64_t now);
  std::vector<std::size_t> heads() const;
  bool flush_due(int64_t now, const std::vector<std::size_t>& heads) const;
  void settle(std::size_t index, const UpdateResult& r, int64_t now, int64_t wall,
              ResultOutcome& out);

  // The engine's timeline (see kMaxClockStepMs): advance() moves it to the
  // caller's `wall` and returns the engine time; peek() does not move it.
  // advance() is const because next_wake() observes time too: the
  // clock is the caller's, not part of the engine's state.
  int64_t advance(int64_t wall) const;
  int64_t peek(int64_t wall) const;
  std::optional<int64_t> next_wake_engine_time(int64_t now) const;

  // Snapshot parsing (engine_snapshot.cpp): persisted times are the
  // caller's clock (`wall`), engine times are `now`.
  LoadResult parse_snapshot(const nlohmann::json& snap, int64_t wall, int64_t engine_now,
                            State& out) const;
  void push_dead_letter(State& st, DeadLetter d) const;

  Config config_;
  State s_;
  // The clock survives restore(): it is this page's, not the snapshot's.
  mutable bool clock_started_ = false;
  mutable int64_t clock_now_ = 0;   // engine time at the last call
  mutable int64_t clock_wall_ = 0;  // the caller's `now` at the last call
};

}  // namespace tf::delivery
