// Names of delivery error codes, as they appear in JSON errors.
#include "delivery/types.hpp"

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

}  // namespace tf::delivery
