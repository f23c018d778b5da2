// The envelope every call across the wasm boundary returns, as one string
// whose first character says which case it is:
//   "+" payload   ok; the payload is the call's value (JSON text, or the
//                 compact text of capture / takeReady, see client_core.hpp)
//   "{" ...       refused: the JSON {"ok":false,"errors":[{"path","code","message"}]}
// One tag character instead of {"ok":..} around every answer: the hot
// paths (capture, takeReady) carry no JSON to decode at all, and every
// refusal, validation or engine, has the same shape with a field path.
// A refusal stays a JSON object (not a tag + array) so C++ callers and
// tests read it with one json::parse, as they read validate_json's.
// web/core/boundary.ts is the one reader of this encoding.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "feedback/issue.hpp"

namespace tf::envelope {

inline constexpr char kOk = '+';
inline constexpr char kRefused = '{';

std::string ok(std::string_view payload = {});
std::string ok_json(const nlohmann::json& value);
std::string refused(const Issues& issues);
// One issue; the message is "<path>: <what> (<code>)" like validation's.
std::string refused(const std::string& path, const std::string& code, const std::string& what);

}  // namespace tf::envelope
