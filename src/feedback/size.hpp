// Serialized size of a JSON value, counted without building the text:
// every capture needs the size of its feedback (the 60 KiB cap, request
// batching) and dump() would allocate and fill a string only to measure it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tf {

// Equals value.dump().size() (compact form, UTF-8 kept as is) for values
// whose strings are valid UTF-8. Iterative: safe on any depth.
std::size_t serialized_size(const nlohmann::json& value);

// The same for a string value: quotes and escapes included.
std::size_t serialized_size(const std::string& text);
std::size_t serialized_size(std::string_view text);

}  // namespace tf
