// Small text helpers for messages. std::to_string pulls printf (and its
// long-double formatting) into the wasm module: several KB for what is only
// ever a count in an error message.
#pragma once

#include <cstdint>
#include <string>

namespace tf {

inline std::string decimal(std::uint64_t n) {
  char buf[24];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  return std::string(p, buf + sizeof buf);
}

inline std::string decimal(std::int64_t n) {
  return n < 0 ? "-" + decimal(static_cast<std::uint64_t>(-(n + 1)) + 1) : decimal(static_cast<std::uint64_t>(n));
}

inline std::string decimal(int n) { return decimal(static_cast<std::int64_t>(n)); }
inline std::string decimal(unsigned n) { return decimal(static_cast<std::uint64_t>(n)); }
#if SIZE_MAX != UINT64_MAX
inline std::string decimal(std::size_t n) { return decimal(static_cast<std::uint64_t>(n)); }
#endif

}  // namespace tf
