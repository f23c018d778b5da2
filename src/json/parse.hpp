// The one way the core turns JSON text into a value.
//
// Every call site goes through here: one reader (reader.hpp, ours since
// issue 12: nlohmann's lexer/parser at -Oz was more than half of a
// capture's time in the core) driving one DOM builder (parse.cpp), which
// the one-pass validation observes. nlohmann_json stays for the value type
// and the serializer only: its parser is no longer in the module.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace tf {

// Sees a parse while the value is built, so a rule can be checked in the
// same pass (feedback validation, see validate.cpp) instead of walking the
// value again. Called in text order; `depth` is the number of containers
// open around the thing reported (the top-level value is at depth 0).
class ParseObserver {
 public:
  virtual ~ParseObserver() = default;
  // An object member's key, as stored in the object (the reference stays
  // valid as long as the value does).
  virtual void key(const std::string& key, int depth) = 0;
  // A scalar, once placed in the value.
  virtual void scalar(const nlohmann::json& value, int depth) = 0;
  // A container begins; `object` false is an array.
  virtual void open(bool object, int depth) = 0;
  // A container is complete (its members are all in place).
  virtual void close(const nlohmann::json& container, int depth) = 0;
};

// The value of `text`, or a discarded value (is_discarded()) when `text` is
// not exactly one JSON value. Never throws, never aborts. Duplicate keys:
// the last one wins (as nlohmann's own builder).
nlohmann::json parse_json_text(std::string_view text, ParseObserver* observer = nullptr);

}  // namespace tf
