// Reading Limits from the camelCase options the JavaScript API passes.
#include <cmath>
#include <cstdint>

#include "feedback/text.hpp"
#include "feedback/validate.hpp"

namespace tf {
namespace {

using nlohmann::json;

void bad_option(Issues& issues, const std::string& key, const std::string& what) {
  const std::string path = "options." + key;
  issues.push_back({path, "invalid_options", path + ": " + what + " (invalid_options)"});
}

bool read_count(const json& v, std::size_t& out) {
  if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1e15 ||
      std::floor(v.get<double>()) != v.get<double>()) {
    return false;
  }
  out = static_cast<std::size_t>(v.get<double>());
  return true;
}

}  // namespace

Issues parse_limits(const json& options, Limits& limits) {
  Issues issues;
  if (options.is_null()) return issues;
  if (!options.is_object()) {
    issues.push_back({"options", "invalid_options", "options: must be an object (invalid_options)"});
    return issues;
  }
  for (auto it = options.begin(); it != options.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    std::size_t n = 0;
    if (key == "maxObjectDepth" || key == "maxArrayDepth") {
      const int cap = key == "maxObjectDepth" ? 5 : 2;
      if (!read_count(v, n) || n > static_cast<std::size_t>(cap)) {
        bad_option(issues, key,
                   "must be a whole number from 0 to " + decimal(cap) + " (HoneyHive's limit)");
      } else if (key == "maxObjectDepth") {
        limits.max_object_depth = static_cast<int>(n);
      } else {
        limits.max_array_depth = static_cast<int>(n);
      }
    } else if (key == "maxKeyBytes" || key == "maxStringBytes" || key == "maxTotalBytes" ||
               key == "maxIssues") {
      if (!read_count(v, n) || n == 0) {
        bad_option(issues, key, "must be a positive whole number");
      } else if (key == "maxKeyBytes") {
        limits.max_key_bytes = n;
      } else if (key == "maxStringBytes") {
        limits.max_string_bytes = n;
      } else if (key == "maxTotalBytes") {
        limits.max_total_bytes = n;
      } else {
        limits.max_issues = n;
      }
    } else if (key == "scoreMin" || key == "scoreMax") {
      if (!v.is_number() || !std::isfinite(v.get<double>())) {
        bad_option(issues, key, "must be a finite number");
      } else if (key == "scoreMin") {
        limits.score_min = v.get<double>();
      } else {
        limits.score_max = v.get<double>();
      }
    } else {
      bad_option(issues, key, "is not a known option");
    }
  }
  if (limits.score_min && limits.score_max && *limits.score_min > *limits.score_max) {
    bad_option(issues, "scoreMin", "must not be greater than scoreMax");
  }
  return issues;
}

}  // namespace tf
