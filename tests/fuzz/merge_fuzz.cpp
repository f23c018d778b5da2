// libFuzzer: two feedback texts (split at the bytes FF 00). For valid
// objects, merge must be deterministic and idempotent (applying the same
// patch twice changes nothing: what makes retried updates harmless).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "feedback/merge.hpp"
#include "feedback/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const auto cut = all.find(std::string_view("\xff\x00", 2));
  const std::string_view a = cut == std::string_view::npos ? all.substr(0, size / 2) : all.substr(0, cut);
  const std::string_view b = cut == std::string_view::npos ? all.substr(size / 2) : all.substr(cut + 2);
  auto x = nlohmann::json::parse(a, nullptr, false);
  const auto y = nlohmann::json::parse(b, nullptr, false);
  if (x.is_discarded() || y.is_discarded()) return 0;
  // Merge only ever sees validated feedback (nesting is bounded there).
  const tf::Limits limits;
  if (!tf::validate_feedback(x, limits).empty() || !tf::validate_feedback(y, limits).empty()) return 0;
  tf::merge_feedback(x, y);
  if (!x.is_object()) __builtin_trap();
  const auto once = x;
  tf::merge_feedback(x, y);
  if (x != once) __builtin_trap();
  // Every key of the patch holds the patch's value (or a merge of objects).
  for (auto it = y.begin(); it != y.end(); ++it) {
    if (!it.value().is_object() && x[it.key()] != it.value()) __builtin_trap();
  }
  return 0;
}
