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

// A value that is neither object nor array.
std::size_t leaf_size(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::string:
      return string_size(v.get_ref<const std::string&>());
    case nlohmann::json::value_t::boolean:
      return v.get<bool>() ? 4 : 5;
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return 4;
    case nlohmann::json::value_t::binary:
      return v.dump().size();  // never produced by our parsing
    default:
      return number_size(v);
  }
}

}  // namespace

std::size_t serialized_size(const std::string& text) { return string_size(text); }
std::size_t serialized_size(std::string_view text) { return string_size(text); }

std::size_t serialized_size(const nlohmann::json& value) {
  // Scalars are counted where they are met; only nested containers wait
  // in the work list, so a scalar or a flat object allocates nothing (this
  // runs on every capture, and on every value a merge replaces).
  if (!value.is_structured()) return leaf_size(value);
  std::size_t total = 0;
  std::vector<const nlohmann::json*> work;
  const nlohmann::json* v = &value;
  while (true) {
    total += 2 + (v->empty() ? 0 : v->size() - 1);  // brackets, commas
    if (v->is_object()) {
      for (auto it = v->begin(); it != v->end(); ++it) {
        total += string_size(it.key()) + 1;  // key and colon
        if (it.value().is_structured()) {
          work.push_back(&it.value());
        } else {
          total += leaf_size(it.value());
        }
      }
    } else {
      for (const auto& item : *v) {
        if (item.is_structured()) {
          work.push_back(&item);
        } else {
          total += leaf_size(item);
        }
      }
    }
    if (work.empty()) break;
    v = work.back();
    work.pop_back();
  }
  return total;
}

}  // namespace tf
