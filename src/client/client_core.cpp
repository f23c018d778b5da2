// ClientCore: limits + delivery engine behind one JSON-text surface.
#include "client/client_core.hpp"

#include "feedback/json_api.hpp"
#include "feedback/validate.hpp"

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
  const json status = json::parse(std::string_view(engine_.configStatus()), nullptr, false);
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
  Issues issues;
  const json feedback = parse_json(feedback_json, "feedback", issues);
  if (issues.empty()) issues = validate_feedback(feedback, limits_);
  if (!issues.empty()) {
    return json{{"ok", false}, {"errors", issues_to_json(issues)}}.dump();
  }
  const std::string result = engine_.enqueue(event_id, feedback_json, now);
  // Engine refusals (queue_full, update_too_large) become issues too, so
  // the caller has one error shape; the queue is untouched by them.
  json r = json::parse(std::string_view(result), nullptr, false);
  if (r.is_object() && r.value("ok", false) == false) {
    const std::string code = r.value("code", std::string("rejected"));
    const std::string msg = r.value("message", std::string("the update was refused"));
    return json{{"ok", false},
                {"errors", json::array({{{"path", "feedback"},
                                         {"code", code},
                                         {"message", "feedback: " + msg + " (" + code + ")"}}})}}
        .dump();
  }
  return result;
}

}  // namespace tf
