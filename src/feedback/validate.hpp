// Validation of a feedback object against HoneyHive's rules and ours.
//
// How nesting levels are counted (the top-level feedback object is level 0
// and never counts):
//   - object depth of a value = number of objects on the path from the top
//     down to and including it, the top excluded. In {"a":{"b":{}}} "a" is
//     at object depth 1 and "b" at 2. Objects inside arrays count too:
//     in {"edits":[{"value":"x"}]} the item "edits.0" is at object depth 1.
//   - array depth = number of arrays on the path, including the value
//     itself. "edits" above is at array depth 1; {"m":[[1]]} reaches 2.
//   - at most max_object_depth (5) and max_array_depth (2); a value one
//     level past a limit is reported at its own path and not descended into.
#pragma once

#include <nlohmann/json.hpp>

#include "feedback/issue.hpp"
#include "feedback/limits.hpp"

namespace tf {

// Every violation in `feedback` (up to limits.max_issues), depth first,
// keys in sorted order.
// Empty means valid. Iterative: no recursion on untrusted depth.
Issues validate_feedback(const nlohmann::json& feedback, const Limits& limits);

// Parses feedback text for validation, refusing before any parse what can
// never be valid (issue 11.6): text longer than max(4 MiB, 2 * max_total_bytes + 4096)
// (too_large) or nested deeper than 64 (max_object_depth). Other bad text
// is invalid_json. On an issue the result is to be ignored.
nlohmann::json parse_feedback_text(std::string_view text, const Limits& limits, Issues& issues);

// parse_feedback_text, then validate_feedback when it parsed: the same
// value and the same issues in the same order, in one pass over the text
// for valid feedback (each rule is checked while the value is built, and
// the walk of validate_feedback runs only when something is wrong). The
// capture path: every enrichSpan/enrichSession.
nlohmann::json parse_and_validate_feedback(std::string_view text, const Limits& limits,
                                           Issues& issues);

// Reads limits from camelCase JSON options, e.g. {"maxStringBytes": 1000,
// "scoreMin": 1, "scoreMax": 5}. Unknown keys, wrong types and depth limits
// above HoneyHive's are reported with code "invalid_options" (path
// "options.<key>"); `limits` keeps its defaults for those keys.
Issues parse_limits(const nlohmann::json& options, Limits& limits);

// True for the canonical 8-4-4-4-12 hexadecimal UUID form (any version,
// either case). Ids go into URLs, so nothing else is let through.
bool is_uuid(std::string_view text);

// Appends a path segment: "feedback" + "edits" -> "feedback.edits".
std::string join_path(const std::string& parent, const std::string& key);

}  // namespace tf
