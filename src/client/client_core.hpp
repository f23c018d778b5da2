// What one FeedbackClient holds in wasm: the feedback limits and the
// delivery engine. capture() is the hot path of every enrichSpan /
// enrichSession: one parse, one validation walk, one enqueue (merge), one
// result string back. Everything else forwards to the engine's JSON facade.
#pragma once

#include <string>

#include "delivery/json_api.hpp"
#include "feedback/limits.hpp"

namespace tf {

class ClientCore {
 public:
  // {"limits": {...FeedbackLimits}, "delivery": {...engine config}}; both optional.
  explicit ClientCore(const std::string& options_json);

  // [] or [{"path","code":"invalid_options","message"}] for the options.
  std::string problems() const { return problems_; }

  // Validates and, when valid, queues. event_id "" targets the session.
  // → {"ok":true,"updateId","eventId"|null,"merged","waitingForSession"}
  //   {"ok":false,"errors":[{"path","code","message"}]} (nothing queued)
  std::string capture(const std::string& event_id, const std::string& feedback_json, double now);

  delivery::JsonEngine& engine() { return engine_; }

 private:
  Limits limits_;
  std::string problems_ = "[]";
  delivery::JsonEngine engine_;
};

}  // namespace tf
