// Counting what nlohmann's serializer would write, rule for rule.
#include "feedback/size.hpp"

#include <array>
#include <cmath>
#include <vector>

namespace tf {
namespace {

std::size_t string_size(std::string_view s) {
  std::size_t n = 2;  // quotes
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
      n += 2;
    } else if (c < 0x20) {
      n += 6;  // \u00XX
    } else {
      n += 1;
    }
  }
  return n;
}

template <typename T>
std::size_t digits(T v) {
  std::size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

std::size_t number_size(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return digits(v.get<std::uint64_t>());
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i >= 0) return digits(static_cast<std::uint64_t>(i));
    return 1 + digits(static_cast<std::uint64_t>(-(i + 1)) + 1);
  }
  const double d = v.get<double>();
  if (!std::isfinite(d)) return 4;  // dump() writes null
  std::array<char, 64> buf{};
  const char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), d);
  return static_cast<std::size_t>(end - buf.data());
}

}  // namespace

std::size_t serialized_size(const std::string& text) { return string_size(text); }
std::size_t serialized_size(std::string_view text) { return string_size(text); }

std::size_t serialized_size(const nlohmann::json& value) {
  std::size_t total = 0;
  std::vector<const nlohmann::json*> work{&value};
  while (!work.empty()) {
    const nlohmann::json* v = work.back();
    work.pop_back();
    switch (v->type()) {
      case nlohmann::json::value_t::object:
        total += 2 + (v->empty() ? 0 : v->size() - 1);  // braces, commas
        for (auto it = v->begin(); it != v->end(); ++it) {
          total += string_size(it.key()) + 1;  // key and colon
          work.push_back(&it.value());
        }
        break;
      case nlohmann::json::value_t::array:
        total += 2 + (v->empty() ? 0 : v->size() - 1);
        for (const auto& item : *v) work.push_back(&item);
        break;
      case nlohmann::json::value_t::string:
        total += string_size(v->get_ref<const std::string&>());
        break;
      case nlohmann::json::value_t::boolean:
        total += v->get<bool>() ? 4 : 5;
        break;
      case nlohmann::json::value_t::null:
      case nlohmann::json::value_t::discarded:
        total += 4;
        break;
      case nlohmann::json::value_t::binary:
        total += v->dump().size();  // never produced by our parsing
        break;
      default:
        total += number_size(*v);
        break;
    }
  }
  return total;
}

}  // namespace tf
