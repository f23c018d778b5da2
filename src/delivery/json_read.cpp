// Bounded parsing and type-checked reads; see json_read.hpp.
#include "delivery/json_read.hpp"

#include "json/parse.hpp"

#include <cmath>
#include <utility>
#include <vector>

namespace tf::delivery {

bool depth_within(const nlohmann::json& j, int max_depth) {
  std::vector<std::pair<const nlohmann::json*, int>> work{{&j, 0}};
  while (!work.empty()) {
    auto [node, depth] = work.back();
    work.pop_back();
    if (!node->is_structured()) continue;
    if (depth + 1 > max_depth) return false;
    for (const auto& child : *node) work.emplace_back(&child, depth + 1);
  }
  return true;
}

bool text_depth_within(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;  // unbalanced text is left for the parser to reject
    }
  }
  return true;
}

std::optional<nlohmann::json> parse_bounded(std::string_view text) {
  if (!text_depth_within(text, kMaxTextDepth)) return std::nullopt;
  auto j = parse_json_text(text);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string dump_safe(const nlohmann::json& j) {
  std::string out;
  append_dump(out, j);
  return out;
}

void append_dump(std::string& out, const nlohmann::json& j) {
  // What json::dump(-1, ' ', false, replace) does, into the caller's string.
  nlohmann::detail::serializer<nlohmann::json> s(nlohmann::detail::output_adapter<char>(out), ' ',
                                                 nlohmann::json::error_handler_t::replace);
  s.dump(j, false, false, 0);
}

std::optional<int64_t> as_integer(const nlohmann::json& j, int64_t lo, int64_t hi) {
  int64_t v = 0;
  if (j.is_number_unsigned()) {
    const auto u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(kMaxSafeInteger)) return std::nullopt;
    v = static_cast<int64_t>(u);
  } else if (j.is_number_integer()) {
    v = j.get<int64_t>();
  } else if (j.is_number_float()) {
    const double d = j.get<double>();
    // Range check before the cast: casting an out-of-range double is UB.
    if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 9007199254740991.0) {
      return std::nullopt;
    }
    v = static_cast<int64_t>(d);
  } else {
    return std::nullopt;
  }
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

const nlohmann::json* member(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

}  // namespace tf::delivery
