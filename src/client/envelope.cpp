#include "client/envelope.hpp"

#include "delivery/json_read.hpp"
#include "feedback/json_api.hpp"

namespace tf::envelope {

std::string ok(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 1);
  out += kOk;
  out += payload;
  return out;
}

std::string ok_json(const nlohmann::json& value) {
  // Dumped after the tag, not dumped then copied behind it.
  std::string out(1, kOk);
  delivery::append_dump(out, value);
  return out;
}

std::string refused(const Issues& issues) {
  return delivery::dump_safe(nlohmann::json{{"ok", false}, {"errors", issues_to_json(issues)}});
}

std::string refused(const std::string& path, const std::string& code, const std::string& what) {
  return refused(Issues{{path, code, path + ": " + what + " (" + code + ")"}});
}

}  // namespace tf::envelope
