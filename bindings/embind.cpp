// Embind glue: the only file that knows about Emscripten. Everything here
// forwards JSON text to the core and back; the core never throws (it is
// built with -fno-exceptions), so no C++ exception can reach JavaScript.
#include <emscripten/bind.h>

#include <string>

#include "client/client_core.hpp"
#include "feedback/json_api.hpp"
#include "feedback/validate.hpp"

namespace {

// (feedback JSON, limits options JSON) -> {"ok","errors"}.
std::string validate_raw(const std::string& feedback_json, const std::string& options_json) {
  tf::Limits limits;
  tf::Issues issues;
  const auto options = tf::parse_json(options_json, "options", issues);
  if (issues.empty()) issues = tf::parse_limits(options, limits);
  if (!issues.empty()) {
    return nlohmann::json{{"ok", false}, {"errors", tf::issues_to_json(issues)}}.dump();
  }
  return tf::validate_json(feedback_json, limits);
}

std::string merge_raw(const std::string& into_json, const std::string& patch_json) {
  return tf::merge_json(into_json, patch_json);
}

// Engine methods are reached through the client core, which owns it.
#define TF_ENGINE_METHOD(name)                                         \
  template <typename... A>                                             \
  auto name(tf::ClientCore& c, A... a) {                               \
    return c.engine().name(a...);                                      \
  }
TF_ENGINE_METHOD(setSession)
TF_ENGINE_METHOD(takeReady)
TF_ENGINE_METHOD(onResult)
TF_ENGINE_METHOD(onRequestFailed)
TF_ENGINE_METHOD(abandonInFlight)
TF_ENGINE_METHOD(nextWake)
TF_ENGINE_METHOD(stats)
TF_ENGINE_METHOD(pending)
TF_ENGINE_METHOD(takeDeadLetters)
TF_ENGINE_METHOD(snapshot)
TF_ENGINE_METHOD(restore)
TF_ENGINE_METHOD(absorb)

}  // namespace

EMSCRIPTEN_BINDINGS(trace_feedback) {
  using emscripten::function;
  function("validate_raw", &validate_raw);
  function("merge_raw", &merge_raw);

  emscripten::class_<tf::ClientCore>("ClientCore_raw")
      .constructor<const std::string&>()
      .function("problems", &tf::ClientCore::problems)
      .function("capture", &tf::ClientCore::capture)
      .function("setSession", &setSession<const std::string&, double>)
      .function("takeReady", &takeReady<double, const std::string&>)
      .function("onResult", &onResult<const std::string&, const std::string&, double>)
      .function("onRequestFailed",
                &onRequestFailed<const std::string&, int, const std::string&, const std::string&,
                                 double>)
      .function("abandonInFlight", &abandonInFlight<double>)
      .function("nextWake", &nextWake<double>)
      .function("stats", &stats<>)
      .function("pending", &pending<>)
      .function("takeDeadLetters", &takeDeadLetters<>)
      .function("snapshot", &snapshot<>)
      .function("restore", &restore<const std::string&, double>)
      .function("absorb", &absorb<const std::string&, double>);
}
