// JSON text in, JSON text out, errors as data; see json_api.hpp.
#include "delivery/json_api.hpp"
#include "feedback/text.hpp"

#include <cmath>
#include <optional>
#include <set>
#include <string_view>
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

const std::string kBadTime = kBadTimeMessage;

json outcome_json(const ResultOutcome& o) {
  json j = outcome_value(o);
  j["ok"] = true;
  return j;
}

json id_or_null(const std::string& s) { return s.empty() ? json() : json(s); }

}  // namespace

const char* const kBadTimeMessage = "now: expected a finite number of milliseconds";

// Anything a clock cannot produce is refused rather than converted
// (casting NaN or 1e300 to int64 is UB).
std::optional<int64_t> to_ms(double now) {
  if (!std::isfinite(now) || std::fabs(now) > 9007199254740991.0) return std::nullopt;
  return static_cast<int64_t>(std::floor(now));
}

std::optional<FlushReason> flush_reason(std::string_view reason) {
  if (reason == "tick") return FlushReason::tick;
  if (reason == "explicit") return FlushReason::flush;
  if (reason == "hidden") return FlushReason::hidden;
  return std::nullopt;
}

json outcome_value(const ResultOutcome& o) {
  return {{"knownRequest", o.known_request},
          {"delivered", o.delivered},
          {"retrying", o.retrying},
          {"deadLettered", o.dead_lettered}};
}

json stats_value(const Stats& s) {
  return json{{"queued", s.queued},
              {"inFlight", s.in_flight},
              {"waitingForSession", s.waiting_for_session},
              {"sent", s.sent},
              {"retried", s.retried},
              {"dropped", s.dropped},
              {"deadLettered", s.dead_lettered},
              {"deadLettersEvicted", s.dead_letters_evicted}};
}

json dead_letters_value(std::vector<DeadLetter>&& letters) {
  auto out = json::array();
  for (auto& d : letters) {
    const std::string message = dead_letter_message(d);
    out.push_back({{"id", d.id},
                   {"event_id", id_or_null(d.event_id)},
                   {"feedback", std::move(d.feedback)},
                   {"status", d.status},
                   {"reason", d.reason},
                   {"code", d.reason},
                   {"attempts", d.attempts},
                   {"cause", d.cause},
                   {"message", message}});
  }
  return out;
}

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
    return engine_error(r.error, "session id: expected a UUID (8-4-4-4-12 hex digits)");
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
  const auto why = flush_reason(reason);
  if (!why) return error("invalid_argument", "reason: expected \"tick\", \"explicit\" or \"hidden\"");
  auto out = json::array();
  for (auto& req : engine_.take_ready(*t, *why)) {
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


// Reads `results` for a request of `ids`, all or nothing: one object per
// update, each id once, an integer status 0 or 100..599, optional string
// code and retryAfter (string, or a number of seconds). "" when usable,
// else why not (becomes the cause "malformed answer: <why>").
std::string read_results(std::string_view text, const std::vector<std::string>& ids,
                         std::vector<UpdateResult>& out) {
  if (text.size() > kMaxAnswerBytes) {
    return "results: " + decimal(text.size()) + " bytes, more than " + decimal(kMaxAnswerBytes);
  }
  const auto parsed = parse_bounded(text);
  if (!parsed) return "results: not valid JSON (or nested too deep)";
  return read_results_value(*parsed, ids, out);
}

std::string read_results_value(const json& answer, const std::vector<std::string>& ids,
                         std::vector<UpdateResult>& out) {
  const json* parsed = &answer;
  if (!parsed->is_array()) return "results: expected an array";
  // Length first, so a huge array costs nothing more.
  if (parsed->size() != ids.size()) {
    return "results: expected " + decimal(ids.size()) + " (one per update), got " +
           decimal(parsed->size());
  }
  std::set<std::string_view> expected(ids.begin(), ids.end()), seen;
  for (std::size_t i = 0; i < parsed->size(); ++i) {
    const json& r = (*parsed)[i];
    const std::string at = "results[" + decimal(i) + "]";
    if (!r.is_object()) return at + ": expected an object";
    const json* id = member(r, "id");
    const json* status = member(r, "status");
    const json* code = member(r, "code");
    const json* retry_after = member(r, "retryAfter");
    if (id == nullptr || !id->is_string()) return at + ".id: expected a string";
    const auto& id_text = id->get_ref<const std::string&>();
    if (expected.count(id_text) == 0) return at + ".id: not an update of this request";
    if (!seen.insert(id_text).second) return at + ".id: duplicate";
    const auto n = status ? as_integer(*status, 0, 599) : std::nullopt;
    if (!n || (*n > 0 && *n < 100)) return at + ".status: expected an integer 0 or 100..599";
    if (code != nullptr && !code->is_null() && !code->is_string()) {
      return at + ".code: expected a string";
    }
    UpdateResult u;
    u.update_id = id_text;
    u.status = static_cast<int>(*n);
    if (code != nullptr && code->is_string()) u.code = bounded_cause(code->get_ref<const std::string&>());
    if (retry_after != nullptr && retry_after->is_string()) {
      u.retry_after = bounded_cause(retry_after->get_ref<const std::string&>());
    } else if (retry_after != nullptr && retry_after->is_number()) {
      // The proxy's JSON gives seconds as a number; whole seconds, rounded up.
      const double secs = retry_after->get<double>();
      if (!std::isfinite(secs) || secs < 0 || secs > 1e9) {
        return at + ".retryAfter: expected seconds from 0 to 1e9";
      }
      u.retry_after = decimal(static_cast<int64_t>(std::ceil(secs)));
    } else if (retry_after != nullptr && !retry_after->is_null()) {
      return at + ".retryAfter: expected a string or a number of seconds";
    }
    out.push_back(std::move(u));
  }
  return "";
}

std::string JsonEngine::onResult(const std::string& request_id, const std::string& results_json,
                                 double now) {
  if (!config_error_.empty()) return config_error_;
  const auto t = to_ms(now);
  if (!t) return error("invalid_argument", kBadTime);
  const auto* ids = engine_.request_updates(request_id);
  if (ids == nullptr) return dump_safe(outcome_json(ResultOutcome{}));  // stale: nothing changes
  std::vector<UpdateResult> results;
  const std::string why = read_results(results_json, *ids, results);
  if (!why.empty()) {
    // Refusing the answer must not leave the request in flight (issue
    // 11.3): every update of it failed, and is retried or dead-lettered.
    return dump_safe(
        outcome_json(engine_.on_request_failed(request_id, 0, "", "malformed answer: " + why, *t)));
  }
  return dump_safe(outcome_json(engine_.on_result(request_id, results, *t)));
}

std::string JsonEngine::onRequestFailed(const std::string& request_id, int status,
                                        const std::string& retry_after, const std::string& cause,
                                        double now) {
  if (!config_error_.empty()) return config_error_;
  const auto t = to_ms(now);
  if (!t) return error("invalid_argument", kBadTime);
  // A status no fetch can report is still a failure of this request:
  // refusing the call would leave its updates in flight forever.
  const int usable = status >= 100 && status <= 599 ? status : 0;
  return dump_safe(
      outcome_json(engine_.on_request_failed(request_id, usable, retry_after, cause, *t)));
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
  return dump_safe(stats_value(engine_.stats()));
}

std::string JsonEngine::pending() const {
  if (!config_error_.empty()) return config_error_;
  return dump_safe(engine_.pending());
}

std::string JsonEngine::takeDeadLetters() {
  if (!config_error_.empty()) return config_error_;
  return dump_safe(dead_letters_value(engine_.take_dead_letters()));
}

std::string JsonEngine::snapshot() const {
  if (!config_error_.empty()) return config_error_;
  return engine_.snapshot_text();
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
