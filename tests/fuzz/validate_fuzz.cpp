// libFuzzer: arbitrary bytes as feedback JSON text and as limits options.
// Validation must never crash, leak or trip a sanitizer, and its verdict
// must not depend on the text having passed through parse/dump, and the
// one-pass check must give the same issues as parse then validate.
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
  // The one-pass capture check answers exactly as parse then validate.
  for (const tf::Limits& use : {limits, tf::Limits{}}) {
    tf::Issues two;
    const auto a = tf::parse_feedback_text(text, use, two);
    if (two.empty()) two = tf::validate_feedback(a, use);
    tf::Issues one;
    const auto b = tf::parse_and_validate_feedback(text, use, one);
    if (one.size() != two.size()) __builtin_trap();
    for (std::size_t i = 0; i < one.size(); ++i) {
      if (one[i].path != two[i].path || one[i].code != two[i].code || one[i].message != two[i].message)
        __builtin_trap();
    }
    if (a.is_discarded() != b.is_discarded() || (!a.is_discarded() && a != b)) __builtin_trap();
  }
  // The hot path of the client: validate and enqueue in one call.
  tf::ClientCore core("{\"delivery\":{\"clientId\":\"fuzz\"}}");
  (void)core.capture("123e4567-e89b-12d3-a456-426614174000", std::string(text), 1000);
  (void)core.capture("", std::string(text), 1001);
  return 0;
}
