// ClientCore: limits + delivery engine behind the envelope surface.
#include "client/client_core.hpp"

#include <cmath>
#include <cstdint>

#include "client/envelope.hpp"
#include "delivery/json_read.hpp"
#include "feedback/json_api.hpp"
#include "feedback/text.hpp"
#include "feedback/validate.hpp"
#include "json/parse.hpp"

namespace tf {
namespace {

using nlohmann::json;
using delivery::dump_safe;

json parse_options(const std::string& text, Issues& issues) {
  if (text.empty()) return json::object();
  json options = parse_json(text, "options", issues);
  if (!issues.empty()) return json::object();
  if (options.is_null()) return json::object();
  if (!options.is_object()) {
    issues.push_back({"options", "invalid_options", "options: must be an object (invalid_options)"});
    return json::object();
  }
  return options;
}

std::string delivery_text(const std::string& options_text) {
  Issues ignored;
  const json options = parse_options(options_text, ignored);
  const auto it = options.find("delivery");
  return it == options.end() ? std::string("{}") : it->dump();
}

const std::string kBadNow = "not a usable time";  // "now: not a usable time (invalid_argument)"

// Engine refusals name the argument they are about, like validation does.
std::string refused(const char* path, delivery::Error e, const std::string& message) {
  const std::string code = delivery::error_code(e);
  return envelope::refused(path, code, message.empty() ? code : message);
}

std::string time_refused() { return envelope::refused("now", "invalid_argument", kBadNow); }

void append_field(std::string& out, std::string_view text) {
  out += '\t';
  out += text;
}

}  // namespace

ClientCore::ClientCore(const std::string& options_json)
    : engine_(delivery_text(options_json)) {
  Issues issues;
  const json options = parse_options(options_json, issues);
  for (auto it = options.begin(); it != options.end(); ++it) {
    if (it.key() == "limits") {
      const auto more = parse_limits(it.value(), limits_);
      issues.insert(issues.end(), more.begin(), more.end());
    } else if (it.key() == "wire") {
      const auto* w = it.value().is_string() ? &it.value().get_ref<const std::string&>() : nullptr;
      if (w != nullptr && *w == "proxy") {
        wire_ = Wire::proxy;
      } else if (w != nullptr && *w == "honeyhive") {
        wire_ = Wire::honeyhive;
      } else if (w != nullptr && *w == "honeyhive-legacy") {
        wire_ = Wire::honeyhive_legacy;
      } else {
        issues.push_back({"options.wire", "invalid_options",
                          "options.wire: expected \"proxy\", \"honeyhive\" or \"honeyhive-legacy\" "
                          "(invalid_options)"});
      }
    } else if (it.key() != "delivery") {
      issues.push_back({"options." + it.key(), "invalid_options",
                        "options." + it.key() + ": is not a known option (invalid_options)"});
    }
  }
  // takeReady's lines are split on tabs and newlines (envelope.hpp), and
  // update ids are "<clientId>-<n>": a clientId must not hold either.
  const auto delivery = options.find("delivery");
  if (delivery != options.end() && delivery->is_object()) {
    const auto id = delivery->find("clientId");
    if (id != delivery->end() && id->is_string() &&
        id->get_ref<const std::string&>().find_first_of("\t\n") != std::string::npos) {
      issues.push_back({"options.delivery.clientId", "invalid_options",
                        "options.delivery.clientId: must not contain a tab or a line break "
                        "(invalid_options)"});
    }
  }
  for (const auto& e : engine_.config_errors()) {
    const std::string path = "options.delivery." + e.value("path", std::string());
    issues.push_back({path, "invalid_options",
                      path + ": " + e.value("message", std::string("invalid")) + " (invalid_options)"});
  }
  if (!issues.empty()) {
    status_ = envelope::refused(issues);
    problems_ = dump_safe(issues_to_json(issues));
  }
}

std::string ClientCore::capture(const std::string& event_id, const std::string& feedback_json,
                                double now) {
  // The hot path of every enrichSpan / enrichSession: one pass that parses
  // and checks every rule, one enqueue that takes the value over (merged in
  // place), one short receipt string.
  Issues issues;
  json feedback = parse_and_validate_feedback(feedback_json, limits_, issues);
  if (!issues.empty()) return envelope::refused(issues);
  if (!engine_.usable()) return status_;
  if ( !std::isfinite(now) || now < 0 || now > 9e15) return time_refused();
  // Moved: the engine takes the value over, no copy, and does not walk its
  // depth again (the one pass above checked every rule).
  const auto r = engine_.engine().enqueue_validated(event_id, std::move(feedback), static_cast<std::int64_t>(now));
  if (r.error != delivery::Error::none) {
    // Nothing queued is touched by a refusal. A bad id is the id's fault;
    // queue_full and update_too_large are about this feedback.
    return refused(r.error == delivery::Error::invalid_event_id ? "eventId" : "feedback", r.error,
                   r.message);
  }
  std::string out;
  out.reserve(r.update_id.size() + 40);
  out += envelope::kOk;
  out += static_cast<char>('0' + (r.merged ? 1 : 0) + (r.waiting_for_session ? 2 : 0) +
                           (r.event_id ? 4 : 0));
  out += r.update_id;
  out += '\t';
  if (r.event_id) out += *r.event_id;
  return out;
}

std::string ClientCore::setSession(const std::string& session_id, double now) {
  if (!engine_.usable()) return status_;
  const auto t = delivery::to_ms(now);
  if (!t) return time_refused();
  const auto r = engine_.engine().set_session(session_id, *t);
  if (r.error != delivery::Error::none) {
    return refused("sessionId", r.error, "expected a UUID (8-4-4-4-12 hex digits)");
  }
  auto merged = json::array();
  for (const auto& [from, into] : r.merged) merged.push_back({{"from", from}, {"into", into}});
  return envelope::ok_json(
      json{{"sessionId", session_id}, {"retargeted", r.retargeted}, {"merged", std::move(merged)}});
}

std::string ClientCore::takeReady(double now, const std::string& reason) {
  if (!engine_.usable()) return status_;
  const auto t = delivery::to_ms(now);
  if (!t) return time_refused();
  const auto why = delivery::flush_reason(reason);
  if (!why) return envelope::refused("reason", "invalid_argument", "expected \"tick\", \"explicit\" or \"hidden\"");
  std::string out(1, envelope::kOk);
  bool first = true;
  for (auto& req : engine_.engine().take_ready(*t, *why)) {
    if (!first) out += '\n';
    first = false;
    out += req.id;
    append_field(out, decimal(req.bytes));
    append_field(out, decimal(req.updates.size()));
    for (const auto& u : req.updates) {
      append_field(out, u.id);
      append_field(out, u.event_id);
    }
    // The exact bodies the built-in transports send: built here once, so
    // JS neither parses nor re-serializes them (custom transports get
    // `updates` parsed from this text on first access).
    // Written as text (keys in the order nlohmann dumps them), not built as
    // a DOM and dumped: no second copy of the feedback in the wasm heap.
    if (wire_ == Wire::proxy) {
      out.reserve(out.size() + req.bytes + 2);
      out += "\t{\"updates\":[";
      bool first_update = true;
      for (const auto& u : req.updates) {
        out += first_update ? "{\"event_id\":" : ",{\"event_id\":";
        first_update = false;
        delivery::append_dump(out, json(u.event_id));
        out += ",\"feedback\":";
        delivery::append_dump(out, u.feedback);
        out += ",\"id\":";
        delivery::append_dump(out, json(u.id));
        out += '}';
      }
      out += "]}";
    } else {
      for (const auto& u : req.updates) {
        out += '\t';
        if (wire_ == Wire::honeyhive_legacy) {
          out += "{\"event_id\":";
          delivery::append_dump(out, json(u.event_id));
          out += ",\"feedback\":";
        } else {
          out += "{\"feedback\":";
        }
        delivery::append_dump(out, u.feedback);
        out += '}';
      }
    }
  }
  return out;
}

namespace {

// The transport's answer: a results array (what the client sends: the
// checked copy of a transport's WireResult[]), or the proxy's whole 200
// body {"results":[...]} as received, for a caller that hands the text on
// without parsing it (one parse, here, instead of one in JS and one here).
std::string read_answer(std::string_view text, const std::vector<std::string>& ids,
                        std::vector<delivery::UpdateResult>& out) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
  if (i >= text.size() || text[i] != '{') return delivery::read_results(text, ids, out);
  if (text.size() > delivery::kMaxAnswerBytes) return "answer: more than " + decimal(delivery::kMaxAnswerBytes) + " bytes";
  const auto parsed = delivery::parse_bounded(text);
  if (!parsed) return "answer: not valid JSON (or nested too deep)";
  const json* results = delivery::member(*parsed, "results");
  if (results == nullptr) return "answer: expected {\"results\":[...]}";
  return delivery::read_results_value(*results, ids, out);
}

}  // namespace

std::string ClientCore::onResult(const std::string& request_id, const std::string& results_json,
                                 double now) {
  if (!engine_.usable()) return status_;
  const auto t = delivery::to_ms(now);
  if (!t) return time_refused();
  auto& engine = engine_.engine();
  const auto* ids = engine.request_updates(request_id);
  if (ids == nullptr) return envelope::ok_json(delivery::outcome_value({}));  // stale: nothing changes
  std::vector<delivery::UpdateResult> results;
  const std::string why = read_answer(results_json, *ids, results);
  if (!why.empty()) {
    // Refusing the answer must not leave the request in flight: every
    // update of it failed, and is retried or dead-lettered.
    return envelope::ok_json(delivery::outcome_value(
        engine.on_request_failed(request_id, 0, "", "malformed answer: " + why, *t)));
  }
  return envelope::ok_json(delivery::outcome_value(engine.on_result(request_id, results, *t)));
}

std::string ClientCore::onRequestFailed(const std::string& request_id, int status,
                                        const std::string& retry_after, const std::string& cause,
                                        double now) {
  if (!engine_.usable()) return status_;
  const auto t = delivery::to_ms(now);
  if (!t) return time_refused();
  // A status no fetch can report is still a failure of this request:
  // refusing the call would leave its updates in flight forever.
  const int usable = status >= 100 && status <= 599 ? status : 0;
  return envelope::ok_json(delivery::outcome_value(
      engine_.engine().on_request_failed(request_id, usable, retry_after, cause, *t)));
}

std::string ClientCore::abandonInFlight(double now) {
  if (!engine_.usable()) return status_;
  const auto t = delivery::to_ms(now);
  if (!t) return time_refused();
  return envelope::ok_json(json(engine_.engine().abandon_in_flight(*t)));
}

double ClientCore::nextWake(double now) const { return engine_.nextWake(now); }

std::string ClientCore::stats() const {
  if (!engine_.usable()) return status_;
  return envelope::ok_json(delivery::stats_value(engine_.engine().stats()));
}

std::string ClientCore::pending() const {
  if (!engine_.usable()) return status_;
  return envelope::ok_json(engine_.engine().pending());
}

std::string ClientCore::takeDeadLetters() {
  if (!engine_.usable()) return status_;
  return envelope::ok_json(delivery::dead_letters_value(engine_.engine().take_dead_letters()));
}

std::string ClientCore::snapshot() const {
  if (!engine_.usable()) return status_;
  std::string out(1, envelope::kOk);
  engine_.engine().write_snapshot(out);
  return out;
}

namespace {

template <typename Load>
std::string load(const std::string& snapshot_json, double now, bool with_skipped, Load&& run) {
  const auto t = delivery::to_ms(now);
  if (!t) return time_refused();
  const auto snap = delivery::parse_bounded(snapshot_json);
  if (!snap) return envelope::refused("snapshot", "invalid_json", "not valid JSON (or nested too deep)");
  const delivery::LoadResult r = run(*snap, *t);
  if (r.error != delivery::Error::none) return refused("snapshot", r.error, r.message);
  json out{{"added", r.added}};
  if (with_skipped) out["skipped"] = r.skipped;
  return envelope::ok_json(out);
}

}  // namespace

std::string ClientCore::restore(const std::string& snapshot_json, double now) {
  if (!engine_.usable()) return status_;
  return load(snapshot_json, now, false,
              [this](const json& s, int64_t t) { return engine_.engine().restore(s, t); });
}

std::string ClientCore::absorb(const std::string& snapshot_json, double now) {
  if (!engine_.usable()) return status_;
  return load(snapshot_json, now, true,
              [this](const json& s, int64_t t) { return engine_.engine().absorb(s, t); });
}

}  // namespace tf
