// The feedback an edit produces, as data: which edits are listed, which of
// their fields are present, and the option rules. No JSON library here, so
// that the standalone diff wasm (bindings/diff_abi.cpp) and the native JSON
// form (feedback_json.hpp) share one copy of these rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "diff/diff.hpp"

namespace tf::diff {

// Upper bounds of the options (inclusive).
constexpr std::uint64_t kMaxSegmentsLimit = 1000;
constexpr std::uint64_t kMaxSegmentCharsLimit = 100000;
// Up to 2^53 so the value survives a JavaScript number unchanged.
constexpr std::uint64_t kMaxCostLimit = std::uint64_t{1} << 53;

// One listed edit. `from`/`value` view into the DiffResult's segments (cut
// to max_segment_chars): the result must outlive the entry.
struct EditEntry {
  EditOp op;
  std::size_t at;
  std::size_t from_len, value_len;
  bool has_from = false, has_value = false;  // "from" / "value" present
  bool has_lens = false;                     // "from_len" and "value_len" present
  bool truncated = false;                    // "truncated": true present
  std::string_view from, value;
};

struct FeedbackShape {
  std::vector<EditEntry> edits;  // at most max_segments
  bool truncated = false;        // edit_stats.truncated
};

// An edit has "from" unless it is an insert and "value" unless it is a
// delete. A text cut at max_segment_chars sets "truncated": true on the
// edit and adds "from_len"/"value_len" (full lengths). Without
// include_text, edits carry op, at, from_len and value_len only.
FeedbackShape feedback_shape(const DiffResult& result, const DiffOptions& options);

const char* op_name(EditOp op);

// Error reported as data when options do not validate.
struct OptionsError {
  std::string path;     // the offending key, empty for the whole document
  std::string message;
};

// The rule for the integer options: `is_integer` says the value is a
// non-negative integer at all (JSON: an integer token; JS: Number.isInteger
// and >= 0); then it must not exceed `max`. Fills `error` when it fails.
bool check_count(const char* key, bool is_integer, std::uint64_t value, std::uint64_t max,
                 OptionsError& error);
void boolean_error(const char* key, OptionsError& error);
void unknown_option_error(const std::string& key, OptionsError& error);

}  // namespace tf::diff
