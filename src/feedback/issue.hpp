// One violation of a feedback rule: where it is, which rule, and a sentence
// a frontend engineer can act on. The codes are a stable contract (listed in
// README.md); messages may be reworded.
#pragma once

#include <string>
#include <vector>

namespace tf {

struct Issue {
  std::string path;     // "feedback.step1.retry", "feedback.edits.0.value"
  std::string code;     // "max_object_depth", "wrong_type", ...
  std::string message;  // full sentence, starts with the path
};

using Issues = std::vector<Issue>;

}  // namespace tf
