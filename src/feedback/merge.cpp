// Key-by-key merge of feedback objects; see merge.hpp for the rules.
#include "feedback/merge.hpp"

#include <utility>
#include <vector>

namespace tf {

void merge_feedback(nlohmann::json& into, const nlohmann::json& patch) {
  // Explicit work list instead of recursion: validated feedback is at most
  // a few levels deep, but the function must stay safe on any input.
  std::vector<std::pair<nlohmann::json*, const nlohmann::json*>> work;
  work.emplace_back(&into, &patch);
  while (!work.empty()) {
    auto [dst, src] = work.back();
    work.pop_back();
    if (!src->is_object() || !dst->is_object()) {
      *dst = *src;
      continue;
    }
    for (auto it = src->begin(); it != src->end(); ++it) {
      auto found = dst->find(it.key());
      if (found == dst->end()) {
        (*dst)[it.key()] = it.value();
      } else if (found->is_object() && it.value().is_object()) {
        work.emplace_back(&*found, &it.value());
      } else {
        *found = it.value();
      }
    }
  }
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
