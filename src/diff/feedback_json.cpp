// The diff as feedback JSON (native tests and tools); the fields and the
// option rules are feedback.cpp's.
//
// Built for -fno-exceptions -DJSON_NOEXCEPTION: parsing uses
// allow_exceptions = false, every value's type is checked before get<>,
// and dump() replaces invalid UTF-8 instead of throwing (our strings are
// always valid, but a library abort in the page is not a risk worth taking).
#include <string>

#include "diff/feedback_json.hpp"
#include "json/parse.hpp"

namespace tf::diff {

namespace {

using nlohmann::json;

// Reads a non-negative integer option no larger than `max`.
bool read_count(const json& v, const char* key, std::uint64_t max, std::uint64_t& out,
                OptionsError& error) {
  const bool ok_type = v.is_number_unsigned() ||
                       (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  if (ok_type) out = v.get<std::uint64_t>();
  return check_count(key, ok_type, out, max, error);
}

json edit_json(const EditEntry& e) {
  json j = json::object();
  j["op"] = op_name(e.op);
  j["at"] = e.at;
  if (e.has_from) j["from"] = std::string(e.from);
  if (e.has_value) j["value"] = std::string(e.value);
  if (e.truncated) j["truncated"] = true;
  if (e.has_lens) {
    j["from_len"] = e.from_len;
    j["value_len"] = e.value_len;
  }
  return j;
}

}  // namespace

json to_feedback(const DiffResult& r, const DiffOptions& o) {
  const FeedbackShape shape = feedback_shape(r, o);
  json edits = json::array();
  for (const EditEntry& e : shape.edits) edits.push_back(edit_json(e));
  const bool truncated = shape.truncated;
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
      if (!read_count(v, "maxCost", kMaxCostLimit, n, error)) return false;
      out.max_cost = n;
    } else if (key == "includeText") {
      if (!v.is_boolean()) {
        boolean_error("includeText", error);
        return false;
      }
      out.include_text = v.get<bool>();
    } else {
      unknown_option_error(key, error);
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
