// JSON-text wrappers of validation and merge for the bindings.
#include "feedback/json_api.hpp"

#include "json/parse.hpp"

#include "feedback/merge.hpp"
#include "feedback/validate.hpp"

namespace tf {

using nlohmann::json;

json issues_to_json(const Issues& issues) {
  json out = json::array();
  for (const auto& i : issues) {
    out.push_back({{"path", i.path}, {"code", i.code}, {"message", i.message}});
  }
  return out;
}

json parse_json(std::string_view text, const char* path, Issues& issues) {
  json value = parse_json_text(text);
  if (value.is_discarded()) {
    issues.push_back({path, "invalid_json",
                      std::string(path) + ": is not valid JSON text (invalid_json)"});
  }
  return value;
}

static std::string result_text(const Issues& issues) {
  return json{{"ok", issues.empty()}, {"errors", issues_to_json(issues)}}.dump();
}

std::string validate_json(std::string_view feedback_json, const Limits& limits) {
  // Two steps, not parse_and_validate_feedback (the same issues): the one
  // pass costs ~0.4 KB gzip of wasm once anything calls it, worth it on
  // the capture path (ClientCore::capture's choice), not for validate().
  Issues issues;
  const json value = parse_feedback_text(feedback_json, limits, issues);
  if (!issues.empty()) return result_text(issues);
  return result_text(validate_feedback(value, limits));
}

std::string merge_json(std::string_view into_json, std::string_view patch_json) {
  Issues issues;
  json into = parse_json(into_json, "into", issues);
  const json patch = parse_json(patch_json, "patch", issues);
  if (!issues.empty()) return result_text(issues);
  merge_feedback(into, patch);
  return json{{"ok", true}, {"value", std::move(into)}}.dump();
}

}  // namespace tf
