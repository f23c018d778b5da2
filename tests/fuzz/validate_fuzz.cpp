// libFuzzer: arbitrary bytes as feedback JSON text and as limits options.
// Validation must never crash, leak or trip a sanitizer, and its verdict
// must not depend on the text having passed through parse/dump.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/client_core.hpp"
#include "feedback/json_api.hpp"
#include "feedback/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tf::Issues issues;
  const auto value = tf::parse_json(text, "feedback", issues);
  tf::Limits limits;
  if (issues.empty()) {
    tf::parse_limits(value, limits);  // the same bytes as options: must be refused cleanly
    const auto first = tf::validate_feedback(value, tf::Limits{});
    // Round trip: a valid object stays valid after serialisation.
    if (first.empty()) {
      const auto again = tf::validate_json(value.dump(), tf::Limits{});
      if (again.find("\"ok\":true") == std::string::npos) __builtin_trap();
    }
  }
  (void)tf::validate_json(text, limits);
  // The hot path of the client: validate and enqueue in one call.
  tf::ClientCore core("{\"delivery\":{\"clientId\":\"fuzz\"}}");
  (void)core.capture("123e4567-e89b-12d3-a456-426614174000", std::string(text), 1000);
  (void)core.capture("", std::string(text), 1001);
  return 0;
}
