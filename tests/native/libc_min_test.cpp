// The formats nlohmann_json (and anything else in the core) passes to
// snprintf must print the same whether the platform's printf or the wasm
// module's bindings/libc_min.cpp does it. Natively this pins the expected
// output; in the wasm test build it checks libc_min against it.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

extern "C" int tf_min_snprintf(char* buf, std::size_t cap, const char* fmt, ...);

namespace {

// The platform's output, after checking that libc_min writes the same.
template <typename... A>
std::string fmt(const char* f, A... a) {
  char buf[64];
  char mine[64];
  const int n = std::snprintf(buf, sizeof buf, f, a...);
  const int m = tf_min_snprintf(mine, sizeof mine, f, a...);
  CHECK(std::string(mine) == std::string(buf));
  CHECK(m == n);
  return std::string(buf) + "|" + std::to_string(n);
}

}  // namespace

TEST_CASE("snprintf: the formats nlohmann_json uses") {
  CHECK(fmt("\\u%04x", 0x1f) == "\\u001f|6");
  CHECK(fmt("\\u%04x\\u%04x", 0xd83d, 0xdc4d) == "\\ud83d\\udc4d|12");
  CHECK(fmt("<U+%.4X>", 0x7) == "<U+0007>|8");
  CHECK(fmt("%.2X", 0xab) == "AB|2");
}

TEST_CASE("snprintf: integers, strings, widths, flags and truncation") {
  CHECK(fmt("%d %i %u", -42, 7, 42u) == "-42 7 42|8");
  CHECK(fmt("%5d|%-5d|%05d", 42, 42, -42) == "   42|42   |-0042|17");
  CHECK(fmt("%ld %lld %zu", -1L, 1234567890123LL, static_cast<std::size_t>(9)) ==
        "-1 1234567890123 9|18");
  CHECK(fmt("%x %X %08x", 255u, 255u, 0xbeefu) == "ff FF 0000beef|14");
  CHECK(fmt("%s|%6s|%-6s|%.2s", "ab", "ab", "ab", "abc") == "ab|    ab|ab    |ab|19");
  CHECK(fmt("100%% %c", 'x') == "100% x|6");
  char small[4];
  // Truncation is the point here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
  CHECK(std::snprintf(small, sizeof small, "%d", 123456) == 6);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  CHECK(std::string(small) == "123");
  char mine[4];
  CHECK(tf_min_snprintf(mine, sizeof mine, "%d", 123456) == 6);
  CHECK(std::string(mine) == "123");
  CHECK(tf_min_snprintf(nullptr, 0, "%s", "abcdef") == 6);
  // Unsupported conversions are written out, never read from the stack.
  CHECK(tf_min_snprintf(mine, sizeof mine, "%f", 1.5) == 2);
  CHECK(std::string(mine) == "%f");
}
