// libFuzzer: two feedback texts (split at the bytes FF 00). For valid
// objects, merge must be deterministic and idempotent (applying the same
// patch twice changes nothing: what makes retried updates harmless), the
// moving merge must equal the copying one, and its counted size change
// must be exact.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "feedback/merge.hpp"
#include "feedback/size.hpp"
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
  // The moving merge gives the same value, and the size change it counts
  // is exact and never more than the patch's own size (what lets the
  // engine merge in place within its caps).
  auto moved = x;
  auto patch = y;
  const auto before = tf::serialized_size(moved);
  const auto delta = tf::merge_feedback(moved, std::move(patch));
  tf::merge_feedback(x, y);
  if (!x.is_object()) __builtin_trap();
  if (moved != x) __builtin_trap();
  if (static_cast<std::ptrdiff_t>(before) + delta != static_cast<std::ptrdiff_t>(tf::serialized_size(x))) __builtin_trap();
  if (delta > static_cast<std::ptrdiff_t>(tf::serialized_size(y))) __builtin_trap();
  const auto once = x;
  tf::merge_feedback(x, y);
  if (x != once) __builtin_trap();
  // Every key of the patch holds the patch's value (or a merge of objects).
  for (auto it = y.begin(); it != y.end(); ++it) {
    if (!it.value().is_object() && x[it.key()] != it.value()) __builtin_trap();
  }
  return 0;
}
