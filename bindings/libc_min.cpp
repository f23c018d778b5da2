// A small snprintf/vsnprintf for the wasm module only (linked instead of
// musl's): nlohmann_json calls snprintf for a handful of fixed formats
// ("\\u%04x" when escaping control characters, "<U+%.4X>" and "%.2X" in
// error texts), and musl's general printf with its floating-point and
// long-double formatting costs ~8 KB of wasm (~4 KB gzip) for that. This
// implements what those formats need: literal text, %%, and the d, i, u, x,
// X, c and s conversions with the 0 and - flags, a width and a precision;
// anything else (floating point, %n, length modifiers other than l/ll/z/h/hh)
// is written as the literal conversion text, never misread from the stack.
// tests/native/libc_min_test.cpp compares it with the platform's snprintf,
// natively and in wasm (there it is linked under its tf_min_ names; only the
// shipped module, built with TF_REPLACE_LIBC_PRINTF, replaces snprintf).
#include <cstdarg>
#include <cstddef>
#include <cstdint>

namespace {

struct Out {
  char* buf;
  std::size_t cap;
  std::size_t len = 0;
  void put(char c) {
    if (len + 1 < cap) buf[len] = c;
    ++len;
  }
};

void put_number(Out& out, std::uint64_t v, bool negative, int base, bool upper, bool zero,
                bool left, int width, int precision) {
  char digits[24];
  int n = 0;
  const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits[n++] = set[v % static_cast<unsigned>(base)];
    v /= static_cast<unsigned>(base);
  } while (v != 0);
  if (precision == 0 && n == 1 && digits[0] == '0') n = 0;  // "%.0d" of 0 prints nothing
  const int prec_zeros = precision > n ? precision - n : 0;
  const int body = n + prec_zeros + (negative ? 1 : 0);
  const bool zero_pad = zero && !left && precision < 0;
  int pad = width > body ? width - body : 0;
  if (!left && !zero_pad) for (; pad > 0; --pad) out.put(' ');
  if (negative) out.put('-');
  if (zero_pad) for (; pad > 0; --pad) out.put('0');
  for (int i = 0; i < prec_zeros; ++i) out.put('0');
  while (n > 0) out.put(digits[--n]);
  for (; pad > 0; --pad) out.put(' ');
}

}  // namespace

extern "C" int tf_min_vsnprintf(char* buf, std::size_t cap, const char* fmt, va_list ap) {
  Out out{buf, cap};
  for (const char* p = fmt; *p != '\0'; ++p) {
    if (*p != '%') {
      out.put(*p);
      continue;
    }
    const char* start = p++;
    bool zero = false, left = false;
    for (;; ++p) {
      if (*p == '0') zero = true;
      else if (*p == '-') left = true;
      else break;
    }
    int width = 0;
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    int precision = -1;
    if (*p == '.') {
      ++p;
      precision = 0;
      while (*p >= '0' && *p <= '9') precision = precision * 10 + (*p++ - '0');
    }
    int longs = 0;
    bool size_t_arg = false;
    while (*p == 'l' || *p == 'h' || *p == 'z') {
      if (*p == 'l') ++longs;
      if (*p == 'z') size_t_arg = true;
      ++p;  // h, hh: the argument was promoted to int anyway
    }
    const char conv = *p;
    if (conv == 'd' || conv == 'i') {
      std::int64_t v = size_t_arg ? static_cast<std::int64_t>(va_arg(ap, std::size_t))
                       : longs >= 2 ? va_arg(ap, long long)
                       : longs == 1 ? va_arg(ap, long)
                                    : va_arg(ap, int);
      const bool neg = v < 0;
      const std::uint64_t mag = neg ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v);
      put_number(out, mag, neg, 10, false, zero, left, width, precision);
    } else if (conv == 'u' || conv == 'x' || conv == 'X') {
      std::uint64_t v = size_t_arg ? va_arg(ap, std::size_t)
                        : longs >= 2 ? va_arg(ap, unsigned long long)
                        : longs == 1 ? va_arg(ap, unsigned long)
                                     : va_arg(ap, unsigned int);
      put_number(out, v, false, conv == 'u' ? 10 : 16, conv == 'X', zero, left, width, precision);
    } else if (conv == 'c') {
      out.put(static_cast<char>(va_arg(ap, int)));
    } else if (conv == 's') {
      const char* s = va_arg(ap, const char*);
      if (s == nullptr) s = "(null)";
      int n = 0;
      while (s[n] != '\0' && (precision < 0 || n < precision)) ++n;
      int pad = width > n ? width - n : 0;
      if (!left) for (; pad > 0; --pad) out.put(' ');
      for (int i = 0; i < n; ++i) out.put(s[i]);
      for (; pad > 0; --pad) out.put(' ');
    } else if (conv == '%') {
      out.put('%');
    } else {
      // Unsupported: copy the conversion text itself rather than guess.
      for (const char* q = start; q <= p && *q != '\0'; ++q) out.put(*q);
      if (*p == '\0') break;
    }
  }
  if (cap > 0) buf[out.len < cap ? out.len : cap - 1] = '\0';
  return static_cast<int>(out.len);
}

extern "C" int tf_min_snprintf(char* buf, std::size_t cap, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const int n = tf_min_vsnprintf(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}

#ifdef TF_REPLACE_LIBC_PRINTF
extern "C" int vsnprintf(char* buf, std::size_t cap, const char* fmt, va_list ap) {
  return tf_min_vsnprintf(buf, cap, fmt, ap);
}

extern "C" int snprintf(char* buf, std::size_t cap, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const int n = tf_min_vsnprintf(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}
#endif
