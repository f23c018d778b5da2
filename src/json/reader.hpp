// A strict RFC 8259 JSON reader that drives a SAX handler with nlohmann's
// event names (null, boolean, number_integer/_unsigned/_float, string,
// start_object/key/end_object, start_array/end_array).
//
// Why: it replaces nlohmann::json::sax_parse(strict=true) in the core (issue
// 12: capture < 10 us, a smaller wasm). nlohmann's lexer/parser at -Oz was
// more than half of the core's time per capture. Measured 2026-12-01 on the
// 2-core machine, before (nlohmann) -> after (this), 3 interleaved runs:
// - module: trace_feedback_core.wasm 119,180 -> 109,962 B, gzip -9 53,373 ->
//   50,141 B (no nlohmann lexer/parser symbol is left in the module);
// - node bench/capture-node.mjs 60000 (the whole client in Node), median us
//   per capture: 32.7 / 31.6 / 32.4 -> 26.9 / 26.1 / 28.7;
// - bash bench/native/wasm.sh (the -Oz core without JS), median CPU ns, row
//   parse: 13,140 / 18,100 / 16,380 (and 19,960 / 14,100 / 20,860 in a
//   second set) -> 5,320 / 6,300 / 7,800 (7,920 / 5,100 / 7,980); one_pass:
//   15,400 / 15,700 / 19,840 -> 7,380 / 12,460 / 7,760; client_capture:
//   28,680 / 40,060 / 35,960 -> 29,240 / 27,680 / 22,520 (noisy: load);
// - build/native/bench/native/tf_capture_bench (native), row parse:
//   2,579 / 2,665 / 1,663 -> 957 / 938 / 1,818; client_capture: 4,875 /
//   5,263 / 3,356 -> 2,680 / 2,669 / 4,945.
// Capture is still above 10 us: the rest is validation, enqueue and the
// answer's dump (bench rows validate, enqueue, result_text).
//
// It accepts and refuses exactly what sax_parse(strict=true) of nlohmann
// 3.11.2 does, and yields the same values (tests/native/json_reader_test.cpp
// and tests/fuzz/json_reader_fuzz.cpp compare the two):
// - a UTF-8 BOM (EF BB BF) is skipped at the very start only; a partial one
//   is refused;
// - whitespace is space, \t, \n, \r;
// - numbers: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; an integer token
//   is strtoull (non-negative) or strtoll (negative; "-0" is the integer 0),
//   and on ERANGE falls back to strtod, as any token with '.' or an
//   exponent; a non-finite double (1E400) is refused, an underflow
//   (1e-400) is the double strtod gives. The same std::strto* the core used
//   (bindings/strto_min.cpp in the wasm module), so the bits are the same;
// - strings: bytes < 0x20 refused; escapes \" \\ \/ \b \f \n \r \t \uXXXX,
//   a surrogate pair must be complete; raw bytes must be well-formed UTF-8
//   (no overlongs, no encoded surrogates, nothing above U+10FFFF);
// - one value, then only whitespace to the end, or to a NUL byte: nlohmann's
//   lexer takes a NUL between tokens for the end of the input ("1 \0x" is 1;
//   anywhere else a NUL is refused, as the end would be).
// No recursion (an explicit stack: any depth the memory holds), no
// exceptions, never reads outside [text.data(), text.data() + size()).
#pragma once

#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "diff/utf8.hpp"

namespace tf {

template <class Sax>
class JsonReader {
 public:
  JsonReader(std::string_view text, Sax& sax) : p_(text.data()), end_(text.data() + text.size()), sax_(sax) {}

  // True when the text was exactly one JSON value and every event was
  // accepted by the handler.
  bool run() {
    if (p_ != end_ && byte(*p_) == 0xEF) {
      if (end_ - p_ < 3 || byte(p_[1]) != 0xBB || byte(p_[2]) != 0xBF) return false;
      p_ += 3;
    }
    std::vector<bool> objects;  // open containers, innermost last: true = object
    for (;;) {
      // A value.
      skip_ws();
      if (p_ == end_) return false;
      switch (*p_) {
        case '{':
          ++p_;
          if (!sax_.start_object(kUnknownSize)) return false;
          skip_ws();
          if (p_ != end_ && *p_ == '}') {
            ++p_;
            if (!sax_.end_object()) return false;
            break;
          }
          if (!member_key()) return false;
          objects.push_back(true);
          continue;
        case '[':
          ++p_;
          if (!sax_.start_array(kUnknownSize)) return false;
          skip_ws();
          if (p_ != end_ && *p_ == ']') {
            ++p_;
            if (!sax_.end_array()) return false;
            break;
          }
          objects.push_back(false);
          continue;
        case '"':
          ++p_;
          if (!string() || !sax_.string(buf_)) return false;
          break;
        case 't':
          if (!literal("true", 4) || !sax_.boolean(true)) return false;
          break;
        case 'f':
          if (!literal("false", 5) || !sax_.boolean(false)) return false;
          break;
        case 'n':
          if (!literal("null", 4) || !sax_.null()) return false;
          break;
        default:
          if (!number()) return false;
      }
      // After a value: separators and closing brackets until the next value.
      for (bool next = false; !next;) {
        skip_ws();
        if (objects.empty()) return p_ == end_ || *p_ == '\0';  // nlohmann: a NUL between tokens ends the input
        if (p_ == end_) return false;
        const char c = *p_++;
        if (c == ',') {
          if (objects.back()) {
            skip_ws();
            if (!member_key()) return false;
          }
          next = true;
        } else if (c == (objects.back() ? '}' : ']')) {
          const bool object = objects.back();
          objects.pop_back();
          if (!(object ? sax_.end_object() : sax_.end_array())) return false;
        } else {
          return false;
        }
      }
    }
  }

 private:
  static constexpr std::size_t kUnknownSize = static_cast<std::size_t>(-1);  // as nlohmann passes

  static unsigned byte(char c) { return static_cast<unsigned char>(c); }
  static bool digit(char c) { return c >= '0' && c <= '9'; }

  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  void skip_digits() {
    while (p_ != end_ && digit(*p_)) ++p_;
  }

  bool literal(const char* word, std::ptrdiff_t n) {
    if (end_ - p_ < n || std::memcmp(p_, word, static_cast<std::size_t>(n)) != 0) return false;
    p_ += n;
    return true;
  }

  // "key" then ':' (the key is reported before the ':' is checked, as
  // nlohmann's parser does).
  bool member_key() {
    if (p_ == end_ || *p_ != '"') return false;
    ++p_;
    if (!string() || !sax_.key(buf_)) return false;
    skip_ws();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    return true;
  }

  // The string after its opening quote, decoded into buf_.
  bool string() {
    buf_.clear();
    for (;;) {
      const char* run = p_;
      while (p_ != end_ && byte(*p_) >= 0x20 && byte(*p_) < 0x80 && *p_ != '"' && *p_ != '\\') ++p_;
      buf_.append(run, static_cast<std::size_t>(p_ - run));
      if (p_ == end_) return false;
      const unsigned c = byte(*p_++);
      if (c == '"') return true;
      if (c == '\\') {
        if (!escape()) return false;
      } else if (c < 0x80 || !utf8(c)) {
        return false;  // a control character or ill-formed UTF-8
      }
    }
  }

  // A multi-byte UTF-8 sequence whose lead byte `c` was read (RFC 3629's
  // well-formed table, as nlohmann's lexer checks it).
  bool utf8(unsigned c) {
    std::ptrdiff_t n;
    unsigned lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;  // no overlongs
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;  // no overlongs
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (end_ - p_ < n || byte(p_[0]) < lo || byte(p_[0]) > hi) return false;
    for (std::ptrdiff_t i = 1; i < n; ++i) {
      if (byte(p_[i]) < 0x80 || byte(p_[i]) > 0xBF) return false;
    }
    buf_.push_back(static_cast<char>(c));
    buf_.append(p_, static_cast<std::size_t>(n));
    p_ += n;
    return true;
  }

  // Four hex digits, or -1.
  int hex4() {
    if (end_ - p_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }

  // The escape after a backslash.
  bool escape() {
    if (p_ == end_) return false;
    char out;
    switch (*p_++) {
      case '"': out = '"'; break;
      case '\\': out = '\\'; break;
      case '/': out = '/'; break;
      case 'b': out = '\b'; break;
      case 'f': out = '\f'; break;
      case 'n': out = '\n'; break;
      case 'r': out = '\r'; break;
      case 't': out = '\t'; break;
      case 'u': return unicode_escape();
      default: return false;
    }
    buf_.push_back(out);
    return true;
  }

  bool unicode_escape() {
    long cp = hex4();
    if (cp < 0) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
      p_ += 2;
      const long low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return false;  // a low surrogate alone
    }
    // A valid scalar value here (surrogates paired or refused above).
    diff::append_utf8(buf_, static_cast<char32_t>(cp));
    return true;
  }

  // A number token, converted as nlohmann's lexer does (see the top).
  bool number() {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      skip_digits();
    } else {
      return false;
    }
    bool integer = true;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      integer = false;
      if (p_ == end_ || !digit(*p_)) return false;
      skip_digits();
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      integer = false;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      skip_digits();
    }
    // The text is not NUL-terminated: strto* read a copy that is.
    num_.assign(start, static_cast<std::size_t>(p_ - start));
    errno = 0;
    if (integer && !negative) {
      const unsigned long long v = std::strtoull(num_.c_str(), nullptr, 10);
      if (errno == 0) return sax_.number_unsigned(v);
    } else if (integer) {
      const long long v = std::strtoll(num_.c_str(), nullptr, 10);
      if (errno == 0) return sax_.number_integer(v);
    }
    const double v = std::strtod(num_.c_str(), nullptr);
    if (!std::isfinite(v)) return false;  // nlohmann: "number overflow"
    return sax_.number_float(v, num_);
  }

  const char* p_;
  const char* const end_;
  Sax& sax_;
  std::string buf_;  // the string or key being read (the handler copies it)
  std::string num_;  // the number token being read
};

}  // namespace tf
