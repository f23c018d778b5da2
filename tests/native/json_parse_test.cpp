// parse_json_text must accept and refuse exactly what
// json::parse(text, nullptr, false) does, which the call sites used before.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "json/parse.hpp"

TEST_CASE("parse_json_text: the same values and refusals as json::parse") {
  for (const char* t : {"{}", "[]", "0", "-1.5e3", "\"a\\u00e9\"", "true", "null", " {\"a\": [1, {\"b\": null}]} ",
                        "18446744073709551615", "18446744073709551616", "-9223372036854775809", "1e400",
                        "", " ", "{", "[1,]", "{\"a\":1}x", "1 2", "\"\\ud800\"", "nul", "\"\xff\"", "01"}) {
    INFO("text: " << t);
    const auto want = nlohmann::json::parse(t, nullptr, /*allow_exceptions=*/false);
    const auto got = tf::parse_json_text(t);
    CHECK(got.is_discarded() == want.is_discarded());
    if (!want.is_discarded()) {
      CHECK(got == want);
      CHECK(got.type() == want.type());
    }
  }
}
