// JSON-text entry points of the feedback model, for the wasm boundary:
// plain text crosses it, never per-field handles, and every failure comes
// back as data ({"ok":false,"errors":[...]}) rather than as an exception.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "feedback/issue.hpp"
#include "feedback/limits.hpp"

namespace tf {

// [{"path":..,"code":..,"message":..}, ...]
nlohmann::json issues_to_json(const Issues& issues);

// Parses `text` without throwing; on failure appends an "invalid_json"
// issue at `path` and returns a discarded value.
nlohmann::json parse_json(std::string_view text, const char* path, Issues& issues);

// {"ok":true,"errors":[]} or {"ok":false,"errors":[...]}.
std::string validate_json(std::string_view feedback_json, const Limits& limits);

// Merge of two feedback texts (see merge.hpp); {"ok":true,"value":{...}}.
std::string merge_json(std::string_view into_json, std::string_view patch_json);

}  // namespace tf
