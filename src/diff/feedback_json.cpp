// The diff as feedback JSON, and the JSON-text entry point for the binding.
//
// Built for -fno-exceptions -DJSON_NOEXCEPTION: parsing uses
// allow_exceptions = false, every value's type is checked before get<>,
// and dump() replaces invalid UTF-8 instead of throwing (our strings are
// always valid, but a library abort in the page is not a risk worth taking).
#include <string>

#include "diff/diff.hpp"
#include "feedback/text.hpp"
#include "json/parse.hpp"

namespace tf::diff {

namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxSegmentsLimit = 1000;
constexpr std::uint64_t kMaxSegmentCharsLimit = 100000;

const char* op_name(EditOp op) {
  switch (op) {
    case EditOp::kInsert: return "insert";
    case EditOp::kDelete: return "delete";
    case EditOp::kReplace: return "replace";
  }
  return "replace";
}

// First `limit` code points of valid UTF-8 text.
std::string cut_code_points(const std::string& text, std::size_t limit) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && count++ == limit) return text.substr(0, i);
  }
  return text;
}

json edit_json(const Segment& s, const DiffOptions& o, bool& truncated_any) {
  json e = json::object();
  e["op"] = op_name(s.op);
  e["at"] = s.at;
  if (!o.include_text) {
    e["from_len"] = s.from_len;
    e["value_len"] = s.value_len;
    return e;
  }
  const bool cut = s.from_len > o.max_segment_chars || s.value_len > o.max_segment_chars;
  if (s.op != EditOp::kInsert) e["from"] = cut_code_points(s.from, o.max_segment_chars);
  if (s.op != EditOp::kDelete) e["value"] = cut_code_points(s.value, o.max_segment_chars);
  if (cut) {
    truncated_any = true;
    e["truncated"] = true;
    e["from_len"] = s.from_len;
    e["value_len"] = s.value_len;
  }
  return e;
}

// Reads a non-negative integer option no larger than `max`.
bool read_count(const json& v, const char* key, std::uint64_t max, std::uint64_t& out,
                OptionsError& error) {
  const bool ok_type = v.is_number_unsigned() ||
                       (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  if (ok_type) out = v.get<std::uint64_t>();
  if (!ok_type || out > max) {
    error.path = key;
    error.message = std::string(key) + " must be an integer from 0 to " + decimal(max);
    return false;
  }
  return true;
}

}  // namespace

json to_feedback(const DiffResult& r, const DiffOptions& o) {
  bool truncated = r.segments.size() > o.max_segments;
  json edits = json::array();
  for (std::size_t i = 0; i < r.segments.size() && i < o.max_segments; ++i) {
    edits.push_back(edit_json(r.segments[i], o, truncated));
  }
  json stats = json::object();
  stats["edit_distance"] = r.edit_distance;
  stats["similarity"] = r.similarity;
  stats["inserted"] = r.inserted;
  stats["deleted"] = r.deleted;
  stats["segments"] = r.segments.size();
  stats["truncated"] = truncated;
  stats["exact"] = r.exact;
  json out = json::object();
  out["edits"] = std::move(edits);
  out["edit_stats"] = std::move(stats);
  return out;
}

bool parse_options(std::string_view text, DiffOptions& out, OptionsError& error) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return true;
  const json doc = parse_json_text(text);
  if (doc.is_discarded() || !doc.is_object()) {
    error.message = "options must be a JSON object";
    return false;
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    std::uint64_t n = 0;
    if (key == "maxSegments") {
      if (!read_count(v, "maxSegments", kMaxSegmentsLimit, n, error)) return false;
      out.max_segments = static_cast<std::size_t>(n);
    } else if (key == "maxSegmentChars") {
      if (!read_count(v, "maxSegmentChars", kMaxSegmentCharsLimit, n, error)) return false;
      out.max_segment_chars = static_cast<std::size_t>(n);
    } else if (key == "maxCost") {
      // Up to 2^53 so the value survives a JavaScript number unchanged.
      if (!read_count(v, "maxCost", std::uint64_t{1} << 53, n, error)) return false;
      out.max_cost = n;
    } else if (key == "includeText") {
      if (!v.is_boolean()) {
        error.path = key;
        error.message = "includeText must be a boolean";
        return false;
      }
      out.include_text = v.get<bool>();
    } else {
      error.path = key;
      error.message = "unknown option '" + key + "'";
      return false;
    }
  }
  return true;
}

std::string diff_json(std::string_view original, std::string_view edited,
                      std::string_view options_json) {
  DiffOptions options;
  OptionsError error;
  json out;
  if (!parse_options(options_json, options, error)) {
    json e = json::object();
    e["code"] = "invalid_options";
    e["message"] = error.message;
    if (!error.path.empty()) e["path"] = error.path;
    out = json::object();
    out["error"] = std::move(e);
  } else {
    out = to_feedback(diff(original, edited, options), options);
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace tf::diff
