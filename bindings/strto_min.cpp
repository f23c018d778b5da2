// A small strtod/strtoll/strtoull for the wasm module only (linked instead of
// musl's). nlohmann_json turns every JSON number into a value with these
// three, and musl's strtod parses through __floatscan in long double, which
// on wasm32 is a 128-bit soft float: __addtf3/__multf3/__divtf3 and friends,
// ~7 KB gzip for parsing numbers such as 4 or 0.5.
//
// strtod: the exact fast path in C (Clinger's): a decimal with at most 19
// significant digits whose value m * 10^e has m < 2^53 and |e| <= 22 is
// m * 10^e or m / 10^-e in one correctly rounded double operation, since
// both operands are exact. Every other number (long mantissas, large
// exponents, subnormals) goes to JavaScript's Number(), which rounds
// correctly, through one EM_JS import; natively (tests only) to libc.
// Accepted syntax: C's decimal form (leading space, sign, digits, '.',
// digits, exponent) and inf/infinity/nan. Not accepted: hexadecimal floats
// and nan(chars) (JSON never has them; "0x1p3" reads as 0 with the end at
// 'x'). errno is set to ERANGE on overflow to infinity and underflow to 0.
//
// strtoll/strtoull: bases 0 and 2..36, C's overflow rules (ERANGE and the
// clamped value), which nlohmann checks to fall back to a double.
//
// tests/native/strto_min_test.cpp compares them with the platform's libc,
// natively and in the wasm test build (where the slow path is the real JS
// Number() and the reference is musl). Only the shipped module, built with
// TF_REPLACE_LIBC_STRTO, replaces the libc names.
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#ifdef __EMSCRIPTEN__
#include <emscripten/em_macros.h>  // EMSCRIPTEN_KEEPALIVE, which em_js.h uses
#include <emscripten/em_js.h>

// The number text is ASCII (the C side has scanned it): no decoder needed.
EM_JS(double, tf_js_number, (const char* p, int n), {
  var s = "";
  for (var i = 0; i < n; i++) s += String.fromCharCode(HEAPU8[p + i]);
  return Number(s);
});
#endif

namespace {

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int lower(char c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

// Case-insensitive prefix match of `word` at s; returns its length or 0.
int match_word(const char* s, const char* word) {
  int n = 0;
  for (; word[n] != '\0'; ++n) {
    if (lower(s[n]) != word[n]) return 0;
  }
  return n;
}

double slow_number(const char* start, const char* end) {
#ifdef __EMSCRIPTEN__
  return tf_js_number(start, static_cast<int>(end - start));
#else
  (void)end;
  return std::strtod(start, nullptr);  // native test builds only
#endif
}

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                             1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                             1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr std::uint64_t kTwo53 = 9007199254740992ULL;

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const int l = lower(c);
  if (l >= 'a' && l <= 'z') return l - 'a' + 10;
  return 99;
}

// The magnitude of an integer in `base` (0: C's prefixes), saturated at
// UINT64_MAX with `overflow` set. *end is s when there are no digits.
std::uint64_t scan_integer(const char* s, char** end, int base, bool& negative, bool& overflow) {
  const char* p = s;
  while (is_space(*p)) ++p;
  negative = false;
  overflow = false;
  if (*p == '+' || *p == '-') negative = *p++ == '-';
  if ((base == 0 || base == 16) && p[0] == '0' && lower(p[1]) == 'x' && digit_value(p[2]) < 16) {
    p += 2;
    base = 16;
  } else if (base == 0) {
    base = p[0] == '0' ? 8 : 10;
  }
  if (base < 2 || base > 36) {
    errno = EINVAL;
    if (end != nullptr) *end = const_cast<char*>(s);
    return 0;
  }
  const char* digits = p;
  std::uint64_t v = 0;
  for (int d; (d = digit_value(*p)) < base; ++p) {
    const auto b = static_cast<std::uint64_t>(base);
    if (v > (UINT64_MAX - static_cast<std::uint64_t>(d)) / b) overflow = true;
    if (!overflow) v = v * b + static_cast<std::uint64_t>(d);
  }
  if (end != nullptr) *end = const_cast<char*>(p == digits ? s : p);
  return overflow ? UINT64_MAX : v;
}

}  // namespace

extern "C" double tf_min_strtod(const char* s, char** end) {
  const char* p = s;
  while (is_space(*p)) ++p;
  const char* start = p;
  const bool negative = *p == '-';
  if (*p == '+' || *p == '-') ++p;

  std::uint64_t m = 0;
  int kept = 0;         // significant digits in m
  int exp10 = 0;        // value = m * 10^exp10 (before the exponent part)
  bool dropped = false; // a nonzero digit beyond the 19 kept
  bool any = false;
  bool fraction = false;
  for (;; ++p) {
    if (*p == '.' && !fraction) {
      fraction = true;
      continue;
    }
    if (*p < '0' || *p > '9') break;
    any = true;
    const int d = *p - '0';
    if (m == 0 && d == 0) {
      if (fraction) --exp10;  // leading zero: only the scale moves
    } else if (kept < 19) {
      m = m * 10 + static_cast<std::uint64_t>(d);
      ++kept;
      if (fraction) --exp10;
    } else {
      dropped |= d != 0;
      if (!fraction) ++exp10;
    }
  }
  if (!any) {
    // No digits: infinity, NaN, or no number at all.
    const double sign = negative ? -1.0 : 1.0;
    int n = match_word(p, "infinity");
    if (n == 0) n = match_word(p, "inf");
    if (n != 0) {
      if (end != nullptr) *end = const_cast<char*>(p + n);
      return sign * __builtin_inf();
    }
    if ((n = match_word(p, "nan")) != 0) {
      if (end != nullptr) *end = const_cast<char*>(p + n);
      return sign * __builtin_nan("");
    }
    if (end != nullptr) *end = const_cast<char*>(s);
    return 0.0;
  }
  if (lower(*p) == 'e') {
    const char* q = p + 1;
    const bool eneg = *q == '-';
    if (*q == '+' || *q == '-') ++q;
    if (*q >= '0' && *q <= '9') {
      int e = 0;
      for (; *q >= '0' && *q <= '9'; ++q) {
        if (e < 100000) e = e * 10 + (*q - '0');  // beyond any double's range
      }
      exp10 += eneg ? -e : e;
      p = q;
    }
  }
  if (end != nullptr) *end = const_cast<char*>(p);

  if (m == 0) return negative ? -0.0 : 0.0;
  // Exact fast path; an integer mantissa with room can absorb a bit more.
  while (!dropped && exp10 > 22 && m < kTwo53 / 10) {
    m *= 10;
    --exp10;
  }
  if (!dropped && m <= kTwo53 && exp10 >= -22 && exp10 <= 22) {
    const double x = static_cast<double>(m);
    const double v = exp10 < 0 ? x / kPow10[-exp10] : x * kPow10[exp10];
    return negative ? -v : v;
  }
  const double v = slow_number(start, p);
  if (v == 0.0 || v - v != 0.0) errno = ERANGE;  // underflow to 0, overflow to inf
  return v;
}

extern "C" unsigned long long tf_min_strtoull(const char* s, char** end, int base) {
  bool negative, overflow;
  const std::uint64_t v = scan_integer(s, end, base, negative, overflow);
  if (overflow) {
    errno = ERANGE;
    return ULLONG_MAX;
  }
  return negative ? 0 - v : v;  // C: "-1" is ULLONG_MAX
}

extern "C" long long tf_min_strtoll(const char* s, char** end, int base) {
  bool negative, overflow;
  const std::uint64_t v = scan_integer(s, end, base, negative, overflow);
  const std::uint64_t limit = negative ? static_cast<std::uint64_t>(LLONG_MAX) + 1 : LLONG_MAX;
  if (overflow || v > limit) {
    errno = ERANGE;
    return negative ? LLONG_MIN : LLONG_MAX;
  }
  return negative ? static_cast<long long>(0 - v) : static_cast<long long>(v);
}

#ifdef TF_REPLACE_LIBC_STRTO
// libc++'s string.o (std::to_string's object file, which the core uses)
// also references strtol, strtoul, strtof and strtold for std::stoi & co.;
// were any left to musl, its strtol.o or strtod.o would be linked and clash
// with these. After LTO only what the core calls remains (strtod, strtoll,
// strtoull); the others are correct but not tuned: strtof rounds twice
// (through double), strtold is a double's precision.
extern "C" double strtod(const char* s, char** end) { return tf_min_strtod(s, end); }
extern "C" float strtof(const char* s, char** end) { return static_cast<float>(tf_min_strtod(s, end)); }
extern "C" long double strtold(const char* s, char** end) { return tf_min_strtod(s, end); }
extern "C" unsigned long long strtoull(const char* s, char** end, int base) {
  return tf_min_strtoull(s, end, base);
}
extern "C" long long strtoll(const char* s, char** end, int base) {
  return tf_min_strtoll(s, end, base);
}
extern "C" long strtol(const char* s, char** end, int base) {
  const long long v = tf_min_strtoll(s, end, base);
  if (v > LONG_MAX || v < LONG_MIN) {
    errno = ERANGE;
    return v > 0 ? LONG_MAX : LONG_MIN;
  }
  return static_cast<long>(v);
}
extern "C" unsigned long strtoul(const char* s, char** end, int base) {
  // C: the magnitude must fit unsigned long, then a '-' negates it.
  bool negative, overflow;
  const std::uint64_t v = scan_integer(s, end, base, negative, overflow);
  if (overflow || v > ULONG_MAX) {
    errno = ERANGE;
    return ULONG_MAX;
  }
  const auto u = static_cast<unsigned long>(v);
  return negative ? 0 - u : u;
}
#endif
