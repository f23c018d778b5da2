// The edit diff's feedback as nlohmann JSON: what the native tests and
// tools read. The browser gets the same fields from the standalone diff
// wasm (bindings/diff_abi.cpp), built from the same feedback_shape().
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "diff/diff.hpp"
#include "diff/feedback.hpp"

namespace tf::diff {

// The fields the library puts into feedback:
//   {"edits": [{"op":"replace","at":10,"from":"NYC","value":"New York"}, ...],
//    "edit_stats": {"edit_distance":.., "similarity":.., "inserted":..,
//                   "deleted":.., "segments": <total>, "truncated": bool,
//                   "exact": bool}}
// (fields per edit: feedback.hpp). Leaves are never null and nesting stays
// within HoneyHive's feedback limits.
nlohmann::json to_feedback(const DiffResult& result, const DiffOptions& options = {});

// Parses the camelCase options object ({"maxSegments": 20,
// "maxSegmentChars": 200, "includeText": true, "maxCost": 20000000});
// empty text means defaults. Unknown keys are errors, so typos surface.
bool parse_options(std::string_view options_json, DiffOptions& out, OptionsError& error);

// to_feedback as JSON text, or
// {"error":{"code":"invalid_options","message":"...","path":"..."}}.
std::string diff_json(std::string_view original, std::string_view edited,
                      std::string_view options_json);

}  // namespace tf::diff
