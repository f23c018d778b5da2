// The edit diff: what an end user changed in an LLM answer.
//
// When the user edits an answer in the page, the library records implicit
// feedback (`actions.edited: true` plus an `edits` description). This is
// the public face of src/diff/: a minimal Myers diff over code points,
// grouped into readable segments. Its feedback shape is feedback.hpp (no
// JSON library: the standalone diff wasm uses it), its JSON feedback_json.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tf::diff {

struct DiffOptions {
  // Feedback shape (to_feedback); the diff itself ignores these.
  std::size_t max_segments = 20;        // later segments are counted, not listed
  std::size_t max_segment_chars = 200;  // per text, in code points
  bool include_text = true;             // false: offsets and lengths only (privacy)
  // Work budget of the diff, about 1 unit per compared code point or
  // diagonal step (a few ns each natively). The default keeps a 100 KB
  // answer with ~2% of its words edited exact (D up to ~3000) and caps
  // unrelated texts at ~30 ms natively.
  std::uint64_t max_cost = 5'000'000;
  // Regroup the minimal script into word-level segments (segments.hpp).
  // Native-only switch, for tests and tools that want raw runs.
  bool semantic_cleanup = true;
};

enum class EditOp { kInsert, kDelete, kReplace };

// Offsets and lengths are in code points (invalid UTF-8: one per byte).
struct Segment {
  EditOp op;
  std::size_t at;         // offset in the original
  std::size_t at_edited;  // offset in the edited text
  std::size_t from_len;   // code points removed
  std::size_t value_len;  // code points put in their place
  std::string from;       // the removed text, valid UTF-8
  std::string value;      // the inserted text, valid UTF-8
};

struct DiffResult {
  std::size_t original_len = 0;  // code points
  std::size_t edited_len = 0;
  std::size_t edit_distance = 0;  // inserted + deleted of the script found
  std::size_t inserted = 0;
  std::size_t deleted = 0;
  // 1 - edit_distance / (original_len + edited_len); 1 when both are
  // empty. 1 means identical, 0 means nothing in common.
  double similarity = 1.0;
  // True when edit_distance is the minimal one (Myers' D). False when
  // max_cost ran out and a cheaper, non-minimal script was used.
  bool exact = true;
  std::vector<Segment> segments;  // all of them, full text
};

// Diffs two UTF-8 texts. Never fails; malformed bytes decode as U+FFFD.
DiffResult diff(std::string_view original, std::string_view edited,
                const DiffOptions& options = {});

}  // namespace tf::diff
