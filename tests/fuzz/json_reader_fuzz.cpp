// libFuzzer: the core's JSON reader (src/json/reader.hpp, behind
// tf::parse_json_text) against nlohmann's parser, which it replaced: the
// same accept/refuse for any bytes and, when accepted, the same value with
// the same type at every node. Any difference traps.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "json/parse.hpp"

namespace {

using nlohmann::json;

// Node by node without recursion (inputs may nest 65,536 deep; operator==
// recurses). Floats by their bits: -0.0 is not 0.0.
bool same(const json& a, const json& b) {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* begin = reinterpret_cast<const char*>(data);
  const json want = json::parse(begin, begin + size, nullptr, /*allow_exceptions=*/false);
  const json got = tf::parse_json_text(std::string_view(begin, size));
  if (want.is_discarded() != got.is_discarded()) __builtin_trap();
  if (!want.is_discarded() && !same(want, got)) __builtin_trap();
  return 0;
}
