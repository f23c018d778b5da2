// Delivery config from the JS side's camelCase JSON text.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "delivery/config.hpp"

namespace tf::delivery {

struct ParsedConfig {
  Config config;  // defaults where a key was absent or refused
  // [{"path":"flushAtUpdates","message":"..."}]; empty when all is well.
  nlohmann::json errors = nlohmann::json::array();
};

// Reads e.g. {"clientId":"tab-1","flushAtUpdates":20,"jitter":0.2}. Every
// key is optional; unknown keys, wrong types and out-of-range values are
// all reported (a typo must not silently fall back to a default).
ParsedConfig parse_config(std::string_view text);

}  // namespace tf::delivery
