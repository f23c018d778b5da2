// The one way the core turns JSON text into a value.
//
// json::parse(text, nullptr, false) instantiates nlohmann's parser twice,
// with the callback DOM builder and the plain one (the callback is a
// run-time value), and each call site with its own iterator type makes
// another copy; in the wasm module that is ~1.6 KB gzip. Every call site
// uses this instead: one sax_parse with the plain builder, one iterator type.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace tf {

// The value of `text`, or a discarded value (is_discarded()) when `text` is
// not exactly one JSON value. Never throws, never aborts.
nlohmann::json parse_json_text(std::string_view text);

}  // namespace tf
