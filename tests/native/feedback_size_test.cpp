// serialized_size must agree with dump() byte for byte: it replaces dump()
// on the capture path for the size cap and for batching.
#include <catch2/catch.hpp>

#include <random>

#include "feedback/size.hpp"

using nlohmann::json;

namespace {

json random_value(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> kind(0, depth > 3 ? 5 : 7);
  switch (kind(rng)) {
    case 0: return nullptr;
    case 1: return rng() % 2 == 0;
    case 2: return static_cast<std::int64_t>(rng()) - static_cast<std::int64_t>(rng());
    case 3: return static_cast<std::uint64_t>(rng()) * 4294967296ULL + rng();
    case 4: return std::ldexp(static_cast<double>(rng()) - 2e9, static_cast<int>(rng() % 80) - 40);
    case 5: {
      static const char* kParts[] = {"a", "\"", "\\", "\n", "\t", "\x01", "\x1f", "\xc3\xa9", "\xf0\x9f\x91\x8d", "/", " ", "\x7f"};
      std::string s;
      for (int i = static_cast<int>(rng() % 8); i > 0; --i) s += kParts[rng() % 12];
      return s;
    }
    case 6: {
      json a = json::array();
      for (int i = static_cast<int>(rng() % 4); i > 0; --i) a.push_back(random_value(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
        o[random_value(rng, 9).dump()] = random_value(rng, depth + 1);
      }
      return o;
    }
  }
}

}  // namespace

TEST_CASE("serialized_size equals dump().size() on known values") {
  for (const char* text : {"{}", "[]", "0", "-1", "1.5", "1e300", "-0.0", "0.1", "100.0", "\"\"",
                           R"({"rating":true,"score":4,"comment":"x","actions":{"copied":true}})",
                           R"([1,[2,[3]],{"a":null,"b":"\u0001\"\\"}])", "18446744073709551615",
                           "-9223372036854775808", "123456789012345678"}) {
    const json v = json::parse(text);
    CHECK(tf::serialized_size(v) == v.dump().size());
  }
}

TEST_CASE("serialized_size equals dump().size() on random values") {
  std::mt19937 rng(12345);
  for (int i = 0; i < 3000; ++i) {
    const json v = random_value(rng, 0);
    REQUIRE(tf::serialized_size(v) == v.dump().size());
  }
}
