// ClientCore: limits + delivery engine behind one JSON-text surface.
#include "client/client_core.hpp"

#include <cmath>
#include <cstdint>

#include "feedback/json_api.hpp"
#include "feedback/validate.hpp"
#include "json/parse.hpp"

namespace tf {
namespace {

using nlohmann::json;

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

}  // namespace

ClientCore::ClientCore(const std::string& options_json)
    : engine_(delivery_text(options_json)) {
  Issues issues;
  const json options = parse_options(options_json, issues);
  for (auto it = options.begin(); it != options.end(); ++it) {
    if (it.key() == "limits") {
      const auto more = parse_limits(it.value(), limits_);
      issues.insert(issues.end(), more.begin(), more.end());
    } else if (it.key() != "delivery") {
      issues.push_back({"options." + it.key(), "invalid_options",
                        "options." + it.key() + ": is not a known option (invalid_options)"});
    }
  }
  json out = issues_to_json(issues);
  const json status = parse_json_text(engine_.configStatus());
  if (status.is_object() && status.value("ok", true) == false) {
    const auto errors = status.find("errors");
    if (errors != status.end() && errors->is_array()) {
      for (const auto& e : *errors) {
        const std::string path = "options.delivery." + e.value("path", std::string());
        out.push_back({{"path", path},
                       {"code", "invalid_options"},
                       {"message", path + ": " + e.value("message", std::string("invalid")) +
                                       " (invalid_options)"}});
      }
    }
  }
  problems_ = out.dump();
}

std::string ClientCore::capture(const std::string& event_id, const std::string& feedback_json,
                                double now) {
  // The hot path of every enrichSpan / enrichSession: one parse, one
  // validation walk, one enqueue (merge), one small result string.
  Issues issues;
  json feedback = parse_feedback_text(feedback_json, limits_, issues);
  if (issues.empty()) issues = validate_feedback(feedback, limits_);
  if (issues.empty() && (!engine_.usable() || !std::isfinite(now) || now < 0 || now > 9e15)) {
    issues.push_back({"now", "invalid_argument", "now: not a usable time (invalid_argument)"});
  }
  if (!issues.empty()) {
    return json{{"ok", false}, {"errors", issues_to_json(issues)}}.dump();
  }
  const auto r = engine_.engine().enqueue(event_id, feedback, static_cast<std::int64_t>(now));
  if (r.error != delivery::Error::none) {
    // Engine refusals (queue_full, update_too_large, ...) take the same
    // shape as validation issues; nothing queued is touched by them.
    const std::string code = delivery::error_code(r.error);
    return json{{"ok", false},
                {"errors", json::array({{{"path", "feedback"},
                                         {"code", code},
                                         {"message", "feedback: " + r.message + " (" + code + ")"}}})}}
        .dump();
  }
  return json{{"ok", true},
              {"updateId", r.update_id},
              {"eventId", r.event_id ? json(*r.event_id) : json()},
              {"merged", r.merged},
              {"waitingForSession", r.waiting_for_session}}
      .dump();
}

}  // namespace tf
