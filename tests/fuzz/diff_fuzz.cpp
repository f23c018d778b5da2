// libFuzzer target for the edit diff: the input is two texts split at the
// first 0xFF 0x00 pair (or in half). Checks the invariants that must hold
// for any bytes: no crash, counts consistent, segments rebuild the edited
// text, the JSON is valid, and with a budget small enough to force the
// fallback the script is still a correct (if longer) one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "diff/diff.hpp"
#include "diff/feedback_json.hpp"
#include "diff/utf8.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

std::u32string code_points(std::string_view s) {
  const auto v = tf::diff::decode_utf8(s);
  return {v.begin(), v.end()};
}

void check_result(std::string_view a_text, std::string_view b_text,
                  const tf::diff::DiffResult& r) {
  const std::u32string a = code_points(a_text), b = code_points(b_text);
  check(r.original_len == a.size() && r.edited_len == b.size());
  check(r.inserted + r.deleted == r.edit_distance);
  check(a.size() + r.inserted - r.deleted == b.size());
  check(r.edit_distance <= a.size() + b.size());
  check(r.similarity >= 0.0 && r.similarity <= 1.0);
  std::u32string rebuilt;
  std::size_t pos = 0;
  for (const auto& s : r.segments) {
    check(s.at >= pos && s.at + s.from_len <= a.size());
    check(code_points(s.from) == a.substr(s.at, s.from_len));
    check(code_points(s.value).size() == s.value_len);
    rebuilt += a.substr(pos, s.at - pos);
    rebuilt += code_points(s.value);
    pos = s.at + s.from_len;
  }
  rebuilt += a.substr(pos);
  check(rebuilt == b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::size_t cut = in.find(std::string_view("\xFF\x00", 2));
  std::size_t skip = 2;
  if (cut == std::string_view::npos) cut = size / 2, skip = 0;
  const std::string_view a = in.substr(0, cut), b = in.substr(cut + skip);

  tf::diff::DiffOptions roomy;
  roomy.max_cost = 1'000'000'000;  // fuzz inputs are small: always exact
  const tf::diff::DiffResult exact = tf::diff::diff(a, b, roomy);
  check_result(a, b, exact);
  check(exact.exact);

  tf::diff::DiffOptions tight;
  tight.max_cost = size % 64;  // forces the fallback on most inputs
  tight.semantic_cleanup = (size & 1) != 0;
  const tf::diff::DiffResult rough = tf::diff::diff(a, b, tight);
  check_result(a, b, rough);
  check(rough.edit_distance >= exact.edit_distance);
  if (rough.exact) check(rough.edit_distance == exact.edit_distance);

  // The JSON text must parse back (valid UTF-8, no throw paths).
  const std::string json = tf::diff::diff_json(a, b, size % 3 ? "" : R"({"includeText":false})");
  check(!nlohmann::json::parse(json, nullptr, false).is_discarded());
  const std::string options(b.substr(0, 64));
  const std::string other = tf::diff::diff_json(a.substr(0, 16), "x", options);
  check(!nlohmann::json::parse(other, nullptr, false).is_discarded());
  return 0;
}
