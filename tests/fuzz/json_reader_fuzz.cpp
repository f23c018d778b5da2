// libFuzzer: the core's JSON reader (src/json/reader.hpp, behind
// tf::parse_json_text) against nlohmann's parser, which it replaced: the
// same accept/refuse for any bytes and, when accepted, the same value with
// the same type at every node. Any difference traps.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "json/parse.hpp"
#include "../native/json_same.hpp"

using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* begin = reinterpret_cast<const char*>(data);
  const json want = json::parse(begin, begin + size, nullptr, /*allow_exceptions=*/false);
  const json got = tf::parse_json_text(std::string_view(begin, size));
  if (want.is_discarded() != got.is_discarded()) __builtin_trap();
  if (!want.is_discarded() && !tf::testing::same_json(want, got)) __builtin_trap();
  return 0;
}
