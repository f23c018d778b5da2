// What one FeedbackClient holds in wasm: the feedback limits and the
// delivery engine, behind the envelope surface of the wasm boundary (see
// envelope.hpp): every method returns "+" + its value, or the refusal
// {"ok":false,"errors":[{"path","code","message"}]}; nothing throws.
// web/core/boundary.ts is its one caller in JavaScript.
#pragma once

#include <string>

#include "delivery/json_api.hpp"
#include "feedback/limits.hpp"

namespace tf {

// The body format takeReady builds, so the transport sends it unchanged.
enum class Wire {
  proxy,            // {"updates":[{"event_id","feedback","id"}]} per request
  honeyhive,        // {"feedback":...} per update (PUT /v1/events/{id})
  honeyhive_legacy  // {"event_id","feedback"} per update (PUT /events)
};

class ClientCore {
 public:
  // {"limits": {...FeedbackLimits}, "delivery": {...engine config},
  //  "wire": "proxy" | "honeyhive" | "honeyhive-legacy"}; all optional.
  explicit ClientCore(const std::string& options_json);

  // "+" or the refusal listing every bad option (code invalid_options).
  std::string status() const { return status_; }
  // The same issues as a JSON array, "[]" when none (native callers).
  std::string problems() const { return problems_; }

  // Validates and, when valid, queues. event_id "" targets the session.
  // → "+" F updateId "\t" eventId, F one digit: 1 merged | 2 waiting for
  //   the session | 4 eventId known (else "" means null). No JSON: it is
  //   the hot path of every enrichSpan.
  // Refused: feedback issues; engine refusals at path "feedback"
  // (queue_full, update_too_large), "eventId" (invalid_event_id), "now".
  std::string capture(const std::string& event_id, const std::string& feedback_json, double now);

  // → "+" {"sessionId","retargeted":[ids],"merged":[{"from","into"}]}
  std::string setSession(const std::string& session_id, double now);

  // reason "tick" | "explicit" | "hidden". → "+" then one line per request
  // ("\n" between): id \t bytes \t n \t (updateId \t eventId) × n \t body…
  // where body is the exact text to send: one {"updates":[...]} for the
  // proxy wire, one per update for the HoneyHive wires. JSON text never
  // holds a raw tab or newline, so the split is unambiguous.
  std::string takeReady(double now, const std::string& reason);

  // results_json: a results array, or the proxy's whole body
  // {"results":[...]} as received (checked here either way: a malformed
  // one fails every update of the request, cause "malformed answer: <why>"). → "+" {"knownRequest","delivered","retrying","deadLettered"}
  std::string onResult(const std::string& request_id, const std::string& results_json, double now);
  std::string onRequestFailed(const std::string& request_id, int status,
                              const std::string& retry_after, const std::string& cause,
                              double now);
  std::string abandonInFlight(double now);  // → "+" [ids]
  double nextWake(double now) const;        // absolute ms, or -1 for none
  std::string stats() const;                // → "+" {"queued",...}
  std::string pending() const;              // → "+" [{"id","event_id","feedback","attempts"}]
  std::string takeDeadLetters();            // → "+" [dead letters], see json_api.hpp
  std::string snapshot() const;             // → "+" snapshot JSON (persisted as is)
  std::string restore(const std::string& snapshot_json, double now);  // → "+" {"added"}
  std::string absorb(const std::string& snapshot_json, double now);   // → "+" {"added","skipped"}

  // The JSON facade and engine, for native tests and tools.
  delivery::JsonEngine& engine() { return engine_; }

 private:
  Limits limits_;
  Wire wire_ = Wire::proxy;
  std::string status_ = "+";
  std::string problems_ = "[]";
  delivery::JsonEngine engine_;
};

}  // namespace tf
