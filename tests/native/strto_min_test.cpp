// bindings/strto_min.cpp must read every number as the platform's libc
// does: same value (bit for bit, sign of zero included), same end pointer,
// same ERANGE on integer overflow. Natively this checks the C fast path
// against glibc; in the wasm test build the slow path is the real JS
// Number() import and the reference is musl's strtod.
#include <catch2/catch.hpp>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

extern "C" double tf_min_strtod(const char* s, char** end);
extern "C" long long tf_min_strtoll(const char* s, char** end, int base);
extern "C" unsigned long long tf_min_strtoull(const char* s, char** end, int base);

namespace {

std::uint64_t bits(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

// Same value and end as libc; returns the value.
double same_as_libc(const std::string& text) {
  char* libc_end = nullptr;
  char* mine_end = nullptr;
  const double want = std::strtod(text.c_str(), &libc_end);
  const double got = tf_min_strtod(text.c_str(), &mine_end);
  INFO("text: \"" << text << "\"");
  if (std::isnan(want)) {
    CHECK(std::isnan(got));
  } else {
    CHECK(bits(got) == bits(want));
  }
  CHECK(mine_end - text.c_str() == libc_end - text.c_str());
  return got;
}

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

template <typename F>
void integer_same_as_libc(const std::string& text, int base, F libc, F mine) {
  char* libc_end = nullptr;
  char* mine_end = nullptr;
  errno = 0;
  const auto want = libc(text.c_str(), &libc_end, base);
  const int want_errno = errno;
  errno = 0;
  const auto got = mine(text.c_str(), &mine_end, base);
  const int got_errno = errno;
  INFO("text: \"" << text << "\" base " << base);
  CHECK(got == want);
  CHECK(got_errno == want_errno);
  CHECK(mine_end - text.c_str() == libc_end - text.c_str());
}

}  // namespace

TEST_CASE("strtod: JSON numbers and C syntax read as libc reads them") {
  for (const char* t : {"0", "-0", "0.0", "-0.0", "1", "-1", "4", "0.5", "0.1", "3.14159", "1e10", "1E-5",
                        "-2.5e+3", "123456789", "9007199254740992", "9007199254740993", "12345678901234567890",
                        "123456789012345678901234567890", "0.000000000000000000000000001", "1e22", "1e23",
                        "1e-22", "1e-23", "4.9e-324", "2.2250738585072011e-308", "2.2250738585072014e-308",
                        "1.7976931348623157e308", "1.7976931348623159e308", "1e400", "-1e400", "1e-400",
                        "0e999999", "1e999999999999", "  42", "\t\n-7", "+3", ".5", "5.", "-.5e1", "1e", "1e+",
                        "1ex", "1.5x", "1.5.3", "-", "+", ".", "", "abc", "inf", "-Infinity", "infin", "nan",
                        "NaN", "0.1234567890123456789", "1000000000000000000000000", "8.98846567431158e307"}) {
    same_as_libc(t);
  }
  CHECK(std::signbit(tf_min_strtod("-0", nullptr)));
  CHECK(tf_min_strtod("0.5", nullptr) == 0.5);
}

TEST_CASE("strtod: ERANGE on overflow and underflow") {
  errno = 0;
  CHECK(std::isinf(tf_min_strtod("1e400", nullptr)));
  CHECK(errno == ERANGE);
  errno = 0;
  CHECK(tf_min_strtod("1e-400", nullptr) == 0.0);
  CHECK(errno == ERANGE);
  errno = 0;
  CHECK(tf_min_strtod("1.25e-3", nullptr) == 1.25e-3);
  CHECK(errno == 0);
}

TEST_CASE("strtod: every finite double round-trips through %.17g") {
  std::uint64_t seed = 12345;
  char buf[40];
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t b = splitmix(seed);
    double d;
    std::memcpy(&d, &b, sizeof d);
    if (!std::isfinite(d)) continue;
    std::snprintf(buf, sizeof buf, "%.17g", d);
    const double back = same_as_libc(buf);
    REQUIRE(bits(back) == bits(d));
  }
}

TEST_CASE("strtod: short decimals (the fast path) and their neighbours") {
  std::uint64_t seed = 777;
  char buf[64];
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t r = splitmix(seed);
    const unsigned digits = 1 + r % 19;
    std::uint64_t m = splitmix(seed);
    std::uint64_t cap = 1;
    for (unsigned k = 0; k < digits; ++k) cap *= 10;
    m %= cap;
    const int e = static_cast<int>((r >> 8) % 61) - 30;
    std::snprintf(buf, sizeof buf, "%llue%d", static_cast<unsigned long long>(m), e);
    same_as_libc(buf);
    std::snprintf(buf, sizeof buf, "-0.%019llu", static_cast<unsigned long long>(m));
    same_as_libc(buf);
    std::snprintf(buf, sizeof buf, "%.*g", static_cast<int>(1 + r % 17), static_cast<double>(m) / 1000.0);
    same_as_libc(buf);
  }
}

TEST_CASE("strtoll/strtoull: values, ends, bases and ERANGE as libc") {
  for (int base : {10, 0, 16, 8, 2, 36}) {
    for (const char* t : {"0", "-0", "42", "-42", "+7", "  12abc", "9223372036854775807", "9223372036854775808",
                          "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
                          "18446744073709551616", "-18446744073709551615", "-1", "99999999999999999999999",
                          "0x1F", "017", "019", "zz", "Zz9", "", "-", " ", "1111"}) {
      integer_same_as_libc<long long (*)(const char*, char**, int)>(t, base, std::strtoll, tf_min_strtoll);
      integer_same_as_libc<unsigned long long (*)(const char*, char**, int)>(t, base, std::strtoull,
                                                                             tf_min_strtoull);
    }
  }
}

TEST_CASE("strtoll/strtoull: a bare 0x prefix reads as the number 0 (C11 7.22.1.4)") {
  // glibc agrees; musl ends after the "x", which no JSON number can reach.
  for (const char* t : {"0x", "0Xg"}) {
    for (int base : {0, 16}) {
      char* end = nullptr;
      CHECK(tf_min_strtoll(t, &end, base) == 0);
      CHECK(end == t + 1);
      CHECK(tf_min_strtoull(t, &end, base) == 0);
      CHECK(end == t + 1);
    }
  }
}
