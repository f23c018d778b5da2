// Names of delivery error codes, as they appear in JSON errors.
#include "delivery/types.hpp"

#include "feedback/text.hpp"

namespace tf::delivery {

const char* error_code(Error e) {
  switch (e) {
    case Error::none:
      return "none";
    case Error::queue_full:
      return "queue_full";
    case Error::update_too_large:
      return "update_too_large";
    case Error::invalid_event_id:
      return "invalid_event_id";
    case Error::invalid_feedback:
      return "invalid_feedback";
    case Error::invalid_snapshot:
      return "invalid_snapshot";
    case Error::unsupported_version:
      return "unsupported_version";
  }
  return "unknown";
}

std::string bounded_cause(std::string_view cause) {
  if (cause.size() <= kMaxCauseBytes) return std::string(cause);
  std::size_t n = kMaxCauseBytes;
  // Back off continuation bytes (10xxxxxx) to the start of a sequence.
  while (n > 0 && (static_cast<unsigned char>(cause[n]) & 0xC0) == 0x80) --n;
  return std::string(cause.substr(0, n)) + "...";
}

std::string describe_failure(int status, std::string_view code) {
  std::string out = status == 0 ? "network error or timeout" : "answered " + decimal(status);
  if (!code.empty()) out += " (" + bounded_cause(code) + ")";
  return out;
}

std::string dead_letter_message(const DeadLetter& d) {
  if (d.attempts <= 0) return "dead-lettered before any attempt (" + d.reason + ")";
  std::string out = "dead-lettered after " + decimal(static_cast<uint64_t>(d.attempts)) +
                    (d.attempts == 1 ? " attempt" : " attempts");
  if (!d.cause.empty()) out += "; last: " + d.cause;
  return out;
}

}  // namespace tf::delivery
