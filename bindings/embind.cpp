// Embind glue: the only file that knows about Emscripten. Every function
// here returns the envelope of src/client/envelope.hpp ("+" value, or the
// refusal {"ok":false,"errors":[{"path","code","message"}]}), read in
// JavaScript by web/core/boundary.ts alone. The core never throws (it is
// built with -fno-exceptions), so no C++ exception can reach JavaScript.
//
// Free functions over an integer handle instead of class_<ClientCore>:
// only `function` with std::string / double / int, so Embind emits no
// class, smart-pointer or method-binding machinery. Measured with the same
// core and envelope behind both bindings (Emscripten 3.1.6, this
// CMakeLists.txt: -Oz, LTO, closure, wasm-opt; glue through esbuild
// --minify; gzip -9):
//                 class_<ClientCore>             free functions (kept)
//   glue (.mjs)   20,213 B / 7,876 B gzip   ->   13,625 B / 5,598 B gzip
//   .wasm        131,305 B / 58,013 B gzip  ->  131,095 B / 58,102 B gzip
// so 2.2 KB gzip less in all; the wasm is a wash (-210 B, +89 B gzip).
#include <emscripten/bind.h>

#include <memory>
#include <string>
#include <vector>

#include "client/client_core.hpp"
#include "client/envelope.hpp"
#include "feedback/json_api.hpp"
#include "feedback/merge.hpp"
#include "feedback/validate.hpp"

namespace {

// (feedback JSON, limits options JSON) -> "+" or the refusal listing every issue.
std::string validate_raw(const std::string& feedback_json, const std::string& options_json) {
  tf::Limits limits;
  tf::Issues issues;
  const auto options = tf::parse_json(options_json, "options", issues);
  if (issues.empty()) issues = tf::parse_limits(options, limits);
  if (issues.empty()) {
    const auto feedback = tf::parse_feedback_text(feedback_json, limits, issues);
    if (issues.empty()) issues = tf::validate_feedback(feedback, limits);
  }
  return issues.empty() ? tf::envelope::ok() : tf::envelope::refused(issues);
}

// -> "+" merged JSON, or the refusal naming "into" / "patch".
std::string merge_raw(const std::string& into_json, const std::string& patch_json) {
  tf::Issues issues;
  auto into = tf::parse_json(into_json, "into", issues);
  const auto patch = tf::parse_json(patch_json, "patch", issues);
  if (!issues.empty()) return tf::envelope::refused(issues);
  tf::merge_feedback(into, patch);
  return tf::envelope::ok_json(into);
}

// Live cores by handle (index + 1; 0 is never a handle). A freed slot is
// reused; a stale handle is refused, never dereferenced.
std::vector<std::unique_ptr<tf::ClientCore>>& cores() {
  static std::vector<std::unique_ptr<tf::ClientCore>> all;
  return all;
}

tf::ClientCore* find(int handle) {
  auto& all = cores();
  if (handle <= 0 || static_cast<std::size_t>(handle) > all.size()) return nullptr;
  return all[static_cast<std::size_t>(handle) - 1].get();
}

const std::string& closed() {
  static const std::string text = tf::envelope::refused("core", "closed", "this core was freed");
  return text;
}

int core_new(const std::string& options_json) {
  auto& all = cores();
  auto core = std::make_unique<tf::ClientCore>(options_json);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!all[i]) {
      all[i] = std::move(core);
      return static_cast<int>(i + 1);
    }
  }
  all.push_back(std::move(core));
  return static_cast<int>(all.size());
}

void core_delete(int handle) {
  if (find(handle) != nullptr) cores()[static_cast<std::size_t>(handle) - 1].reset();
}

#define TF_CORE_CALL(name, params, args)  \
  std::string core_##name params {        \
    tf::ClientCore* c = find(handle);     \
    return c ? c->name args : closed();   \
  }
TF_CORE_CALL(status, (int handle), ())
TF_CORE_CALL(capture, (int handle, const std::string& id, const std::string& feedback, double now), (id, feedback, now))
TF_CORE_CALL(setSession, (int handle, const std::string& id, double now), (id, now))
TF_CORE_CALL(takeReady, (int handle, double now, const std::string& reason), (now, reason))
TF_CORE_CALL(onResult, (int handle, const std::string& id, const std::string& answer, double now), (id, answer, now))
TF_CORE_CALL(onRequestFailed, (int handle, const std::string& id, int status, const std::string& retry_after, const std::string& cause, double now), (id, status, retry_after, cause, now))
TF_CORE_CALL(abandonInFlight, (int handle, double now), (now))
TF_CORE_CALL(stats, (int handle), ())
TF_CORE_CALL(pending, (int handle), ())
TF_CORE_CALL(takeDeadLetters, (int handle), ())
TF_CORE_CALL(snapshot, (int handle), ())
TF_CORE_CALL(restore, (int handle, const std::string& snapshot, double now), (snapshot, now))
TF_CORE_CALL(absorb, (int handle, const std::string& snapshot, double now), (snapshot, now))
#undef TF_CORE_CALL

double core_nextWake(int handle, double now) {
  tf::ClientCore* c = find(handle);
  return c ? c->nextWake(now) : -1;
}

}  // namespace

EMSCRIPTEN_BINDINGS(trace_feedback) {
  using emscripten::function;
  function("validate_raw", &validate_raw);
  function("merge_raw", &merge_raw);

  function("core_new", &core_new);
  function("core_delete", &core_delete);
  function("core_status", &core_status);
  function("core_capture", &core_capture);
  function("core_setSession", &core_setSession);
  function("core_takeReady", &core_takeReady);
  function("core_onResult", &core_onResult);
  function("core_onRequestFailed", &core_onRequestFailed);
  function("core_abandonInFlight", &core_abandonInFlight);
  function("core_nextWake", &core_nextWake);
  function("core_stats", &core_stats);
  function("core_pending", &core_pending);
  function("core_takeDeadLetters", &core_takeDeadLetters);
  function("core_snapshot", &core_snapshot);
  function("core_restore", &core_restore);
  function("core_absorb", &core_absorb);
}
