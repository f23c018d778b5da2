// Strict UTF-8 decoding with per-byte U+FFFD replacement; see utf8.hpp.
#include "diff/utf8.hpp"

#include <cstdint>

namespace tf::diff {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid sequence starting at s[i], or 0 if the bytes there
// are not one. The second-byte ranges exclude overlongs (E0, F0),
// surrogates (ED) and code points past U+10FFFF (F4), as in the
// Unicode "well-formed byte sequences" table.
std::size_t valid_sequence_length(std::string_view s, std::size_t i) {
  const auto c0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    len = 2;
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    len = 3;
    if (c0 == 0xE0) lo = 0xA0;
    if (c0 == 0xED) hi = 0x9F;
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    len = 4;
    if (c0 == 0xF0) lo = 0x90;
    if (c0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  if (c1 < lo || c1 > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (!is_continuation(static_cast<unsigned char>(s[i + k]))) return 0;
  }
  return len;
}

}  // namespace

std::vector<char32_t> decode_utf8(std::string_view s) {
  // Never more code points than bytes: size once, write through a pointer,
  // trim at the end (push_back's capacity check per code point was most of
  // the cost of diffing two equal 10 KB texts in wasm).
  std::vector<char32_t> out(s.size());
  char32_t* o = out.data();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c0 = p[i];
    if (c0 < 0x80) {  // ASCII dominates LLM answers: keep it cheap
      *o++ = c0;
      ++i;
      continue;
    }
    const std::size_t len = valid_sequence_length(s, i);
    if (len == 0) {
      *o++ = kReplacement;
      ++i;
      continue;
    }
    char32_t cp = c0 & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (p[i + k] & 0x3F);
    *o++ = cp;
    i += len;
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  return out;
}

std::string encode_utf8(const char32_t* begin, const char32_t* end) {
  std::string out;
  out.reserve(static_cast<std::size_t>(end - begin));
  for (const char32_t* p = begin; p != end; ++p) append_utf8(out, *p);
  return out;
}

}  // namespace tf::diff
