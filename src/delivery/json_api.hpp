// JSON-text facade over the delivery engine, for the wasm binding.
//
// Values, not handles: every argument and result is JSON text or a number,
// so the binding is a list of function names. Method names are the JS
// API's camelCase because this class is the boundary. Times are double ms
// (JS numbers, Date.now()).
//
// Error policy: no method throws or aborts on bad input. A method that
// fails returns {"ok":false,"code":"...","message":"..."} (config errors
// add "errors":[{"path","message"}]), so the JS side checks
// `result.ok === false` on every result, array-valued ones included.
// Codes: invalid_config, invalid_json, invalid_argument, plus the engine's
// (queue_full, update_too_large, invalid_event_id, invalid_feedback,
// invalid_snapshot, unsupported_version).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delivery/config_json.hpp"
#include "delivery/engine.hpp"

namespace tf::delivery {

// The pieces every method below is made of, shared with the client core's
// envelope surface (src/client/), so both speak the same rules and words.

// JS numbers -> engine ms; nullopt for what no clock produces (NaN, 1e300).
std::optional<int64_t> to_ms(double now);
// "tick" | "explicit" | "hidden"; nullopt for anything else.
std::optional<FlushReason> flush_reason(std::string_view reason);
// Answers bigger than this are refused unread: a request holds at most a
// few hundred updates, each result a few hundred bytes (errors included).
inline constexpr std::size_t kMaxAnswerBytes = 4u << 20;
// Reads an answer `[{"id","status","code"?,"retryAfter"?}]` for a request
// of `ids`, all or nothing; "" when usable, else why not (the cause
// becomes "malformed answer: <why>").
std::string read_results(std::string_view text, const std::vector<std::string>& ids,
                         std::vector<UpdateResult>& out);
// The same on an answer already parsed (the proxy's whole body carries the
// array as its "results" member: one parse, not two).
std::string read_results_value(const nlohmann::json& parsed, const std::vector<std::string>& ids,
                         std::vector<UpdateResult>& out);
// {"knownRequest","delivered","retrying","deadLettered"}
nlohmann::json outcome_value(const ResultOutcome& o);
nlohmann::json stats_value(const Stats& s);
// [{"id","event_id"|null,"feedback","status","reason","code","attempts","cause","message"}]
nlohmann::json dead_letters_value(std::vector<DeadLetter>&& letters);
extern const char* const kBadTimeMessage;

class JsonEngine {
 public:
  // camelCase config, see config_json.hpp. With an invalid config every
  // method returns the invalid_config error (nextWake returns -1).
  explicit JsonEngine(const std::string& config_json);

  std::string configStatus() const;  // {"ok":true} or the invalid_config error

  // → {"ok":true,"updateId","eventId"|null,"merged","waitingForSession"}
  std::string enqueue(const std::string& event_id, const std::string& feedback_json, double now);
  // → {"ok":true,"sessionId","retargeted":[ids],"merged":[{"from","into"}]}
  std::string setSession(const std::string& session_id, double now);
  // reason: "tick" | "explicit" | "hidden"
  // → [{"id":"r-1","updates":[{"id","event_id","feedback"}],"bytes":N}]
  std::string takeReady(double now, const std::string& reason);
  // results: exactly one [{"id":updateId,"status":503,"code"?:"overloaded",
  // "retryAfter"?:"2"|2}] per update of the request, status 0 or 100..599.
  // Anything else is a malformed answer: the request failed for each of
  // its updates (cause "malformed answer: <why>"), retried then
  // dead-lettered; never an error, never left in flight.
  // → {"ok":true,"knownRequest","delivered":[],"retrying":[],"deadLettered":[]}
  std::string onResult(const std::string& request_id, const std::string& results_json, double now);
  // Same status (and Retry-After) for every update of the request; `cause`
  // says what happened ("network error or timeout (POST https://app/f)"),
  // "" to let the engine describe the status. A status outside 100..599
  // counts as 0.
  std::string onRequestFailed(const std::string& request_id, int status,
                              const std::string& retry_after, const std::string& cause,
                              double now);
  // → {"ok":true,"abandoned":[ids]}
  std::string abandonInFlight(double now);
  double nextWake(double now) const;  // absolute ms, or -1 for none
  // → {"queued","inFlight","waitingForSession","sent","retried","dropped",
  //    "deadLettered","deadLettersEvicted"}
  std::string stats() const;
  std::string pending() const;  // [{"id","event_id"|null,"feedback","attempts"}]
  // → [{"id","event_id"|null,"feedback","status","reason","code"(= reason),
  //      "attempts","cause","message"}]; message e.g. "dead-lettered after 3
  //      attempts; last: network error or timeout (POST https://app/f)".
  std::string takeDeadLetters();
  std::string snapshot() const;  // see engine_snapshot.cpp for the format
  std::string restore(const std::string& snapshot_json, double now);  // {"ok":true,"added"}
  std::string absorb(const std::string& snapshot_json,
                     double now);  // {"ok":true,"added","skipped"}

  // For a caller that already holds parsed, validated feedback (the client
  // core's capture path): the engine itself, so nothing is parsed twice.
  bool usable() const { return config_error_.empty(); }
  // [{"path","message"}] of the delivery config; empty when usable.
  const nlohmann::json& config_errors() const { return parsed_.errors; }
  Engine& engine() { return engine_; }
  const Engine& engine() const { return engine_; }

 private:
  ParsedConfig parsed_;
  Engine engine_;
  std::string config_error_;  // "" when the config is valid
};

}  // namespace tf::delivery
