// Merge of repeated feedback updates to one target (one event or session).
//
// HoneyHive merges the `feedback` of a PUT into the stored event key by key,
// so queueing several updates and sending their merge must give the same
// stored result as sending them one after the other:
//   - objects merge key by key, recursively;
//   - anything else (scalar or array) in the later update replaces the
//     earlier value; arrays are replaced whole, never concatenated;
//   - a later object replaces an earlier non-object, and vice versa.
#pragma once

#include <nlohmann/json.hpp>

namespace tf {

// Applies `patch` on top of `into`. Both are expected to be objects at the
// top (validated feedback); a non-object patch replaces `into` whole.
// Iterative, so deep input cannot overflow the native stack.
void merge_feedback(nlohmann::json& into, const nlohmann::json& patch);

}  // namespace tf
