// The feedback shape and option rules of the edit diff; see feedback.hpp.
#include "diff/feedback.hpp"

#include "feedback/text.hpp"

namespace tf::diff {

namespace {

// Bytes of the first `limit` code points of valid UTF-8 text.
std::string_view cut_code_points(std::string_view text, std::size_t limit) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && count++ == limit) return text.substr(0, i);
  }
  return text;
}

}  // namespace

const char* op_name(EditOp op) {
  switch (op) {
    case EditOp::kInsert: return "insert";
    case EditOp::kDelete: return "delete";
    case EditOp::kReplace: return "replace";
  }
  return "replace";
}

FeedbackShape feedback_shape(const DiffResult& r, const DiffOptions& o) {
  FeedbackShape out;
  out.truncated = r.segments.size() > o.max_segments;
  const std::size_t listed = out.truncated ? o.max_segments : r.segments.size();
  out.edits.reserve(listed);
  for (std::size_t i = 0; i < listed; ++i) {
    const Segment& s = r.segments[i];
    EditEntry e;
    e.op = s.op;
    e.at = s.at;
    e.from_len = s.from_len;
    e.value_len = s.value_len;
    if (!o.include_text) {
      e.has_lens = true;
    } else {
      const bool cut = s.from_len > o.max_segment_chars || s.value_len > o.max_segment_chars;
      if (s.op != EditOp::kInsert) e.has_from = true, e.from = cut_code_points(s.from, o.max_segment_chars);
      if (s.op != EditOp::kDelete) e.has_value = true, e.value = cut_code_points(s.value, o.max_segment_chars);
      if (cut) out.truncated = e.truncated = e.has_lens = true;
    }
    out.edits.push_back(e);
  }
  return out;
}

bool check_count(const char* key, bool is_integer, std::uint64_t value, std::uint64_t max,
                 OptionsError& error) {
  if (is_integer && value <= max) return true;
  error.path = key;
  error.message = std::string(key) + " must be an integer from 0 to " + decimal(max);
  return false;
}

void boolean_error(const char* key, OptionsError& error) {
  error.path = key;
  error.message = std::string(key) + " must be a boolean";
}

void unknown_option_error(const std::string& key, OptionsError& error) {
  error.path = key;
  error.message = "unknown option '" + key + "'";
}

}  // namespace tf::diff
