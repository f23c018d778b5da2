// UTF-8 <-> code points for the edit diff.
//
// The diff works on code points so that offsets and counts match what a
// user sees as characters (an emoji is one edit, not four). Input comes
// from the page and may be malformed; decoding never fails.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tf::diff {

// Decodes strict UTF-8 (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF). Every byte that does not start a complete valid sequence
// becomes one U+FFFD, so offsets stay predictable: one bad byte, one
// code point.
std::vector<char32_t> decode_utf8(std::string_view text);

// Appends `cp` as UTF-8. Surrogates and values past U+10FFFF (which
// decode_utf8 never produces) are written as U+FFFD, so the output is
// always valid and safe to hand to the JSON serializer. Inline: the core's
// JSON reader (src/json/reader.hpp) encodes its \u escapes with it too,
// without linking the diff's sources.
inline void append_utf8(std::string& out, char32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// UTF-8 of code points [begin, end).
std::string encode_utf8(const char32_t* begin, const char32_t* end);

}  // namespace tf::diff
