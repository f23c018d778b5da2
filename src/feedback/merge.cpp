// Key-by-key merge of feedback objects; see merge.hpp for the rules.
#include "feedback/merge.hpp"

#include "feedback/size.hpp"

#include <utility>
#include <vector>

namespace tf {

namespace {

// One walk for both overloads, so the merge rule is written once; leaves
// of `patch` are moved. With `count`, the change of into's serialized
// size is summed: a new member adds its key, colon, value and, unless it
// is the first, a comma; a replaced value adds the difference.
std::ptrdiff_t merge_walk(nlohmann::json& into, nlohmann::json& patch, bool count) {
  using Patch = nlohmann::json;
  auto size = [](const nlohmann::json& v) { return static_cast<std::ptrdiff_t>(serialized_size(v)); };
  std::ptrdiff_t delta = 0;
  // Explicit work list instead of recursion: validated feedback is at most
  // a few levels deep, but the function must stay safe on any input.
  std::vector<std::pair<nlohmann::json*, Patch*>> work;
  work.emplace_back(&into, &patch);
  while (!work.empty()) {
    auto [dst, src] = work.back();
    work.pop_back();
    if (!src->is_object() || !dst->is_object()) {
      if (count) delta += size(*src) - size(*dst);
      *dst = std::move(*src);
      continue;
    }
    for (auto it = src->begin(); it != src->end(); ++it) {
      auto found = dst->find(it.key());
      if (found == dst->end()) {
        if (count) {
          delta += static_cast<std::ptrdiff_t>(serialized_size(it.key())) + 1 + size(it.value()) +
                   (dst->empty() ? 0 : 1);
        }
        (*dst)[it.key()] = std::move(it.value());
      } else if (found->is_object() && it.value().is_object()) {
        work.emplace_back(&*found, &it.value());
      } else {
        if (count) delta += size(it.value()) - size(*found);
        *found = std::move(it.value());
      }
    }
  }
  return delta;
}

}  // namespace

void merge_feedback(nlohmann::json& into, const nlohmann::json& patch) {
  // Copy, then the moving walk: one instantiation of it in the module
  // (this overload is off the capture path: retargets, merge_json).
  nlohmann::json copy = patch;
  merge_walk(into, copy, false);
}

std::ptrdiff_t merge_feedback(nlohmann::json& into, nlohmann::json&& patch) {
  return merge_walk(into, patch, true);
}

bool merge_changes_shape(const nlohmann::json& into, const nlohmann::json& patch) {
  std::vector<std::pair<const nlohmann::json*, const nlohmann::json*>> work;
  work.emplace_back(&into, &patch);
  while (!work.empty()) {
    auto [dst, src] = work.back();
    work.pop_back();
    if (dst->is_object() != src->is_object()) return true;
    if (!src->is_object()) continue;  // a scalar or array replaces: same either way
    for (auto it = src->begin(); it != src->end(); ++it) {
      auto found = dst->find(it.key());
      if (found != dst->end()) work.emplace_back(&*found, &it.value());
    }
  }
  return false;
}

}  // namespace tf
