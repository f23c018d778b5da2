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

#include <cstddef>

#include <nlohmann/json.hpp>

namespace tf {

// Applies `patch` on top of `into`. Both are expected to be objects at the
// top (validated feedback); a non-object patch replaces `into` whole.
// Iterative, so deep input cannot overflow the native stack.
void merge_feedback(nlohmann::json& into, const nlohmann::json& patch);

// The same merge, moving `patch`'s values into `into` instead of copying
// them (`patch` is left in an unspecified state), and returning how much
// `into`'s serialized size changed: serialized_size(into) after minus
// before, counted on the way (only the values replaced are measured), so
// the engine keeps an update's exact size without walking it again.
// The change is at most serialized_size(patch): a merge never outgrows
// its two parts (what lets the engine merge in place within its caps).
std::ptrdiff_t merge_feedback(nlohmann::json& into, nlohmann::json&& patch);

// Whether `patch`, applied after `into`, turns a value from object to
// non-object or the reverse at some path both hold. Merging two such
// updates is not the same as sending them one by one: stored {x:{p:1}},
// then {x:1}, then {x:{q:2}} ends as {x:{q:2}}, while their merge {x:{q:2}}
// applied once ends as {x:{p:1,q:2}} (issue 11.2). The engine then closes
// the pending update and starts a new one. Iterative.
bool merge_changes_shape(const nlohmann::json& into, const nlohmann::json& patch);

}  // namespace tf
