// JSON text in, JSON text out, errors as data; see json_api.hpp.
#include "delivery/json_api.hpp"
#include "feedback/text.hpp"

#include <cmath>
#include <optional>
#include <vector>

#include "delivery/json_read.hpp"

namespace tf::delivery {

namespace {

using nlohmann::json;

std::string error(const char* code, const std::string& message) {
  return dump_safe(json{{"ok", false}, {"code", code}, {"message", message}});
}

std::string engine_error(Error e, const std::string& message) {
  return error(error_code(e), message.empty() ? error_code(e) : message);
}

// JS numbers → engine ms. Anything a clock cannot produce is refused
// rather than converted (casting NaN or 1e300 to int64 is UB).
std::optional<int64_t> to_ms(double now) {
  if (!std::isfinite(now) || std::fabs(now) > 9007199254740991.0) return std::nullopt;
  return static_cast<int64_t>(std::floor(now));
}

const std::string kBadTime = "now: expected a finite number of milliseconds";

json outcome_json(const ResultOutcome& o) {
  return {{"ok", true},
          {"knownRequest", o.known_request},
          {"delivered", o.delivered},
          {"retrying", o.retrying},
          {"deadLettered", o.dead_lettered}};
}

json id_or_null(const std::string& s) { return s.empty() ? json() : json(s); }

}  // namespace

JsonEngine::JsonEngine(const std::string& config_json)
    : parsed_(parse_config(config_json)), engine_(parsed_.config) {
  if (!parsed_.errors.empty()) {
    config_error_ = dump_safe(json{{"ok", false},
                                   {"code", "invalid_config"},
                                   {"message", "invalid delivery config"},
                                   {"errors", parsed_.errors}});
  }
}

std::string JsonEngine::configStatus() const {
  return config_error_.empty() ? std::string(R"({"ok":true})") : config_error_;
}

std::string JsonEngine::enqueue(const std::string& event_id, const std::string& feedback_json,
                                double now) {
  if (!config_error_.empty()) return config_error_;
  const auto t = to_ms(now);
  if (!t) return error("invalid_argument", kBadTime);
  const auto feedback = parse_bounded(feedback_json);
  if (!feedback) return error("invalid_json", "feedback: not valid JSON (or nested too deep)");
  const EnqueueResult r = engine_.enqueue(event_id, *feedback, *t);
  if (r.error != Error::none) return engine_error(r.error, r.message);
  return dump_safe(json{{"ok", true},
                        {"updateId", r.update_id},
                        {"eventId", r.event_id ? json(*r.event_id) : json()},
                        {"merged", r.merged},
                        {"waitingForSession", r.waiting_for_session}});
}

std::string JsonEngine::setSession(const std::string& session_id, double now) {
  if (!config_error_.empty()) return config_error_;
  const auto t = to_ms(now);
  if (!t) return error("invalid_argument", kBadTime);
  const SessionResult r = engine_.set_session(session_id, *t);
  if (r.error != Error::none) {
    return engine_error(r.error, "session id: 1 to 128 of letters, digits, '-', '_'");
  }
  auto merged = json::array();
  for (const auto& [from, into] : r.merged) merged.push_back({{"from", from}, {"into", into}});
  return dump_safe(json{{"ok", true},
                        {"sessionId", session_id},
                        {"retargeted", r.retargeted},
                        {"merged", std::move(merged)}});
}

std::string JsonEngine::takeReady(double now, const std::string& reason) {
  if (!config_error_.empty()) return config_error_;
  const auto t = to_ms(now);
  if (!t) return error("invalid_argument", kBadTime);
  FlushReason why = FlushReason::tick;
  if (reason == "explicit") {
    why = FlushReason::flush;
  } else if (reason == "hidden") {
    why = FlushReason::hidden;
  } else if (reason != "tick") {
    return error("invalid_argument", "reason: expected \"tick\", \"explicit\" or \"hidden\"");
  }
  auto out = json::array();
  for (auto& req : engine_.take_ready(*t, why)) {
    // Exactly the proxy batch's `updates`, so JS can send it unchanged.
    auto updates = json::array();
    for (auto& u : req.updates) {
      updates.push_back(
          {{"id", u.id}, {"event_id", u.event_id}, {"feedback", std::move(u.feedback)}});
    }
    out.push_back({{"id", req.id}, {"updates", std::move(updates)}, {"bytes", req.bytes}});
  }
  return dump_safe(out);
}

std::string JsonEngine::onResult(const std::string& request_id, const std::string& results_json,
                                 double now) {
  if (!config_error_.empty()) return config_error_;
  const auto t = to_ms(now);
  if (!t) return error("invalid_argument", kBadTime);
  const auto parsed = parse_bounded(results_json);
  if (!parsed || !parsed->is_array())
    return error("invalid_json", "results: expected a JSON array");
  std::vector<UpdateResult> results;
  for (std::size_t i = 0; i < parsed->size(); ++i) {
    const json& r = (*parsed)[i];
    const std::string at = "results[" + decimal(i) + "]";
    const json* id = member(r, "id");
    const json* status = member(r, "status");
    const json* retry_after = member(r, "retryAfter");
    const auto code = status ? as_integer(*status, 0, 999) : std::nullopt;
    if (id == nullptr || !id->is_string())
      return error("invalid_argument", at + ".id: expected a string");
    if (!code) return error("invalid_argument", at + ".status: expected an integer 0..999");
    if (retry_after != nullptr && !retry_after->is_string() && !retry_after->is_null()) {
      return error("invalid_argument", at + ".retryAfter: expected a string or null");
    }
    UpdateResult u;
    u.update_id = id->get<std::string>();
    u.status = static_cast<int>(*code);
    if (retry_after != nullptr && retry_after->is_string())
      u.retry_after = retry_after->get<std::string>();
    const json* code_field = member(r, "code");
    if (code_field != nullptr && code_field->is_string()) u.code = code_field->get<std::string>();
    results.push_back(std::move(u));
  }
  return dump_safe(outcome_json(engine_.on_result(request_id, results, *t)));
}

std::string JsonEngine::onRequestFailed(const std::string& request_id, int status,
                                        const std::string& retry_after, double now) {
  if (!config_error_.empty()) return config_error_;
  const auto t = to_ms(now);
  if (!t) return error("invalid_argument", kBadTime);
  if (status < 0 || status > 999) return error("invalid_argument", "status: expected 0..999");
  return dump_safe(outcome_json(engine_.on_request_failed(request_id, status, retry_after, *t)));
}

std::string JsonEngine::abandonInFlight(double now) {
  if (!config_error_.empty()) return config_error_;
  const auto t = to_ms(now);
  if (!t) return error("invalid_argument", kBadTime);
  return dump_safe(json{{"ok", true}, {"abandoned", engine_.abandon_in_flight(*t)}});
}

double JsonEngine::nextWake(double now) const {
  const auto t = to_ms(now);
  if (!config_error_.empty() || !t) return -1;
  const auto wake = engine_.next_wake(*t);
  return wake ? static_cast<double>(*wake) : -1;
}

std::string JsonEngine::stats() const {
  if (!config_error_.empty()) return config_error_;
  const Stats s = engine_.stats();
  return dump_safe(json{{"queued", s.queued},
                        {"inFlight", s.in_flight},
                        {"waitingForSession", s.waiting_for_session},
                        {"sent", s.sent},
                        {"retried", s.retried},
                        {"dropped", s.dropped},
                        {"deadLettered", s.dead_lettered},
                        {"deadLettersEvicted", s.dead_letters_evicted}});
}

std::string JsonEngine::pending() const {
  if (!config_error_.empty()) return config_error_;
  return dump_safe(engine_.pending());
}

std::string JsonEngine::takeDeadLetters() {
  if (!config_error_.empty()) return config_error_;
  auto out = json::array();
  for (auto& d : engine_.take_dead_letters()) {
    out.push_back({{"id", d.id},
                   {"event_id", id_or_null(d.event_id)},
                   {"feedback", std::move(d.feedback)},
                   {"status", d.status},
                   {"reason", d.reason},
                   {"attempts", d.attempts}});
  }
  return dump_safe(out);
}

std::string JsonEngine::snapshot() const {
  if (!config_error_.empty()) return config_error_;
  return dump_safe(engine_.snapshot());
}

std::string JsonEngine::restore(const std::string& snapshot_json, double now) {
  if (!config_error_.empty()) return config_error_;
  const auto t = to_ms(now);
  if (!t) return error("invalid_argument", kBadTime);
  const auto snap = parse_bounded(snapshot_json);
  if (!snap) return error("invalid_json", "snapshot: not valid JSON (or nested too deep)");
  const LoadResult r = engine_.restore(*snap, *t);
  if (r.error != Error::none) return engine_error(r.error, r.message);
  return dump_safe(json{{"ok", true}, {"added", r.added}});
}

std::string JsonEngine::absorb(const std::string& snapshot_json, double now) {
  if (!config_error_.empty()) return config_error_;
  const auto t = to_ms(now);
  if (!t) return error("invalid_argument", kBadTime);
  const auto snap = parse_bounded(snapshot_json);
  if (!snap) return error("invalid_json", "snapshot: not valid JSON (or nested too deep)");
  const LoadResult r = engine_.absorb(*snap, *t);
  if (r.error != Error::none) return engine_error(r.error, r.message);
  return dump_safe(json{{"ok", true}, {"added", r.added}, {"skipped", r.skipped}});
}

}  // namespace tf::delivery
