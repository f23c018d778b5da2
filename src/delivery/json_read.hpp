// Defensive reading of untrusted JSON, safe without exceptions.
//
// The shipped core is built with -fno-exceptions -DJSON_NOEXCEPTION, where
// nlohmann's throwing accessors abort the whole page instead. Everything
// that reads caller or snapshot JSON goes through these checks instead of
// at()/get<>() on unverified types. Depth is bounded because nlohmann's
// copy, compare and dump recurse, and the wasm stack is small.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace tf::delivery {

// Deepest nesting accepted in a feedback object, and in any JSON text.
inline constexpr int kMaxFeedbackDepth = 32;
inline constexpr int kMaxTextDepth = 64;

// Whether the nesting of `j` is at most `max_depth` (a scalar is depth 0,
// {} is 1). Iterative.
bool depth_within(const nlohmann::json& j, int max_depth);

// Same on raw text, before parsing, so hostile input is never built into
// a deep tree at all. Only brackets outside strings count.
bool text_depth_within(std::string_view text, int max_depth);

// Parses `text`; nullopt on syntax error or nesting beyond kMaxTextDepth.
std::optional<nlohmann::json> parse_bounded(std::string_view text);

// Serialization that cannot fail: invalid UTF-8 becomes U+FFFD instead of
// a type_error (which would abort without exceptions).
std::string dump_safe(const nlohmann::json& j);
// The same text appended to `out`: no temporary string, so a caller that
// reserved `out` builds a large answer (a snapshot) in one allocation.
void append_dump(std::string& out, const nlohmann::json& j);

// Largest integer a JS number holds exactly; integers beyond are refused.
inline constexpr int64_t kMaxSafeInteger = 9007199254740991;

// An integer in [lo, hi]: a JSON integer, or a float with an integral
// value (JS numbers arrive as either).
std::optional<int64_t> as_integer(const nlohmann::json& j, int64_t lo, int64_t hi);

// obj[key] if obj is an object holding key, else nullptr.
const nlohmann::json* member(const nlohmann::json& obj, const char* key);

}  // namespace tf::delivery
