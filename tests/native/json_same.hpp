// Equal JSON values: the same type at every node (an integer is not a
// float), the same keys in order, floats by their bits (-0.0 is not 0.0).
// Node by node without recursion: operator== and dump() recurse, and the
// reader's tests feed texts nested 100,000 deep. Shared by the reader's
// differential test and its fuzz target.
#pragma once

#include <cstddef>
#include <cstring>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace tf::testing {

inline bool same_json(const nlohmann::json& a, const nlohmann::json& b) {
  using nlohmann::json;
  std::vector<std::pair<const json*, const json*>> todo{{&a, &b}};
  while (!todo.empty()) {
    const auto [x, y] = todo.back();
    todo.pop_back();
    if (x->type() != y->type()) return false;
    if (x->is_object()) {
      if (x->size() != y->size()) return false;
      for (auto i = x->begin(), j = y->begin(); i != x->end(); ++i, ++j) {
        if (i.key() != j.key()) return false;
        todo.emplace_back(&*i, &*j);
      }
    } else if (x->is_array()) {
      if (x->size() != y->size()) return false;
      for (std::size_t k = 0; k < x->size(); ++k) todo.emplace_back(&(*x)[k], &(*y)[k]);
    } else if (x->is_number_float()) {
      const double p = x->get<double>(), q = y->get<double>();
      if (std::memcmp(&p, &q, sizeof p) != 0) return false;
    } else if (*x != *y) {
      return false;
    }
  }
  return true;
}

}  // namespace tf::testing
