// Feedback validation: one iterative walk that collects every violation.
#include "feedback/validate.hpp"

#include "delivery/json_read.hpp"
#include "feedback/size.hpp"
#include "feedback/text.hpp"
#include "json/parse.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tf {
namespace {

using nlohmann::json;

// Keys that would reach Object.prototype if some consumer assigned them
// naively in JavaScript; refusing them closes prototype pollution at the
// source instead of trusting every reader downstream.
bool is_forbidden_key(std::string_view key) {
  return key == "__proto__" || key == "constructor" || key == "prototype";
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += len;
  }
  return true;
}

// A key as it appears in a path: hostile keys can be megabytes long.
std::string path_key(std::string_view key) {
  constexpr std::size_t kMax = 64;
  if (key.empty()) return "\"\"";
  if (key.size() <= kMax) return std::string(key);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;
  return std::string(key.substr(0, cut)) + "...";
}

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::null: return "null";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

// Where a value sits, as a chain of parent links: the drill-down path
// string is only built when an issue is reported (valid feedback, the
// common case, allocates no path at all).
struct Node {
  int parent;               // -1 for the top-level object
  const std::string* key;   // object member, or nullptr for an array item
  std::size_t index;        // array index when key == nullptr
};

struct PathRef {
  int node;
  const std::string* key = nullptr;  // an extra last segment, if any
  std::size_t index = 0;
  bool has_index = false;
};

class Walker {
 public:
  // probe: only whether there is any issue (the one-pass check, see
  // parse_and_validate_feedback): add() notes it and builds nothing.
  explicit Walker(const Limits& limits, bool probe = false) : limits_(limits), probe_(probe) {}

  std::vector<Node> nodes;
  std::size_t longest_string = 0;  // bytes: decides too_large without a count

  std::string path(const PathRef& ref) const {
    std::vector<const Node*> chain;
    for (int n = ref.node; n >= 0; n = nodes[static_cast<std::size_t>(n)].parent) {
      chain.push_back(&nodes[static_cast<std::size_t>(n)]);
    }
    std::string out = "feedback";
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if ((*it)->parent < 0 && (*it)->key == nullptr) continue;  // the top itself
      out += '.';
      out += (*it)->key ? path_key(*(*it)->key) : decimal((*it)->index);
    }
    if (ref.key) {
      out += '.';
      out += path_key(*ref.key);
    } else if (ref.has_index) {
      out += '.';
      out += decimal(ref.index);
    }
    return out;
  }

  void add(const PathRef& ref, const char* code, const std::string& what) {
    if (probe_) {
      found_ = true;
      return;
    }
    if (issues_.size() >= limits_.max_issues) {
      capped_ = true;
      return;
    }
    add(path(ref), code, what);
  }

  // True once a violation past max_issues was found: stop walking.
  bool capped() const { return capped_; }
  // Probe mode: true once any rule was broken.
  bool found() const { return found_; }

  void add(const std::string& path, const char* code, const std::string& what) {
    if (probe_) {
      found_ = true;
      return;
    }
    if (issues_.size() >= limits_.max_issues) {
      capped_ = true;
      return;
    }
    issues_.push_back({path, code, path + ": " + what + " (" + code + ")"});
  }

  Issues finish() {
    if (capped_) {
      issues_.push_back({"feedback", "too_many_issues",
                         "feedback: more than " + decimal(limits_.max_issues) +
                             " problems; only the first are listed (too_many_issues)"});
    }
    return std::move(issues_);
  }

  void check_well_known(const std::string& key, const json& v, const PathRef& path);
  void check_key(const std::string& key, const PathRef& path);
  void check_scalar(const json& v, const PathRef& path);

 private:
  const Limits& limits_;
  bool probe_;
  bool found_ = false;
  Issues issues_;
  bool capped_ = false;
};

void Walker::check_key(const std::string& key, const PathRef& path) {
  if (key.empty()) {
    add(path, "empty_key", "keys must not be empty");
  } else if (key.find('.') != std::string::npos) {
    add(path, "key_contains_dot",
        "key \"" + path_key(key) +
            "\" contains '.', which would make the drill-down path ambiguous; use '_' instead");
  }
  if (key.size() > limits_.max_key_bytes) {
    add(path, "key_too_long",
        "key is " + decimal(key.size()) + " bytes; at most " +
            decimal(limits_.max_key_bytes) + " are allowed");
  }
  if (is_forbidden_key(key)) {
    add(path, "forbidden_key", "\"" + key + "\" is not allowed as a key (prototype pollution)");
  }
  // An oversized key is already refused: not scanned again (cost cap).
  if (key.size() <= limits_.max_key_bytes && !is_valid_utf8(key)) {
    add(path, "invalid_utf8", "key is not valid UTF-8");
  }
}

void Walker::check_scalar(const json& v, const PathRef& path) {
  if (v.is_null()) {
    add(path, "null_value",
        "null is not a feedback value; leave the field out, or use a boolean, number or string");
  } else if (v.is_number_float() && !std::isfinite(v.get<double>())) {
    add(path, "non_finite_number", "numbers must be finite");
  } else if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    longest_string = std::max(longest_string, s.size());
    if (s.size() > limits_.max_string_bytes) {
      add(path, "string_too_long",
          "string is " + decimal(s.size()) + " bytes; at most " +
              decimal(limits_.max_string_bytes) + " are allowed");
    } else if (!is_valid_utf8(s)) {  // only strings short enough to keep are scanned
      add(path, "invalid_utf8", "string is not valid UTF-8");
    }
  }
}

void Walker::check_well_known(const std::string& key, const json& v, const PathRef& path) {
  if (key == "ground_truth") {
    if (!v.is_string()) {
      add(path, "wrong_type",
          std::string("ground_truth is reserved for the expected output and must be a string, not ") +
              type_name(v));
    }
  } else if (key == "rating") {
    if (!v.is_boolean() && !v.is_number()) {
      add(path, "wrong_type",
          std::string("rating must be a boolean (thumbs up/down) or a number, not ") + type_name(v));
    }
  } else if (key == "score") {
    if (!v.is_number()) {
      add(path, "wrong_type", std::string("score must be a number, not ") + type_name(v));
    } else {
      const double d = v.get<double>();
      if (std::isfinite(d) && ((limits_.score_min && d < *limits_.score_min) ||
                               (limits_.score_max && d > *limits_.score_max))) {
        add(path, "out_of_range",
            "score " + v.dump() + " is outside the configured range " +
                (limits_.score_min ? json(*limits_.score_min).dump() : std::string("-inf")) +
                ".." +
                (limits_.score_max ? json(*limits_.score_max).dump() : std::string("inf")));
      }
    }
  } else if (key == "comment") {
    if (!v.is_string()) {
      add(path, "wrong_type", std::string("comment must be a string, not ") + type_name(v));
    }
  } else if (key == "actions") {
    if (!v.is_object()) {
      add(path, "wrong_type",
          std::string("actions must be an object of booleans and counts, not ") + type_name(v));
      return;
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
      const PathRef child{path.node, &it.key()};
      const auto& a = it.value();
      if (a.is_number()) {
        if (a.get<double>() < 0) add(child, "out_of_range", "action counts must not be negative");
      } else if (!a.is_boolean() && !a.is_null()) {
        add(child, "wrong_type",
            std::string("actions hold booleans and counts, not ") + type_name(a));
      }
    }
  } else if (key == "edits") {
    if (!v.is_array()) {
      add(path, "wrong_type",
          std::string("edits must be an array of objects, not ") + type_name(v));
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_object()) {
        add(PathRef{path.node, nullptr, i, true}, "wrong_type",
            std::string("each edit must be an object, not ") + type_name(v[i]));
      }
    }
  }
}

// Cost cap (issue 11.6): every member or item serializes to at least
// 2 bytes ("0," / "\"\":0" is more), so a container of more than
// max_total_bytes / 2 can never fit.
bool over_member_cap(const json& container, const Limits& limits) {
  return container.size() > limits.max_total_bytes / 2;
}

// The one-pass check (parse_and_validate_feedback): sees the parse and
// runs the same rule functions as validate_feedback's walk on each key,
// scalar and container, in a probe Walker that only notes whether any
// rule is broken. Depths are counted as validate_feedback's frames count
// them (the top object at object depth 0, array depth 0). When the probe
// finds anything, validate_feedback itself runs and reports: one place
// for the issues, their paths and their order.
class Probe : public ParseObserver {
 public:
  explicit Probe(const Limits& limits) : limits_(limits), w_(limits, /*probe=*/true) {}

  bool found() const { return w_.found(); }
  bool saw_float() const { return saw_float_; }

  void key(const std::string& key, int depth) override {
    w_.check_key(key, kNowhere);
    if (depth == 1) top_key_ = &key;
  }
  void scalar(const json& v, int depth) override {
    if (v.is_number_float()) saw_float_ = true;
    w_.check_scalar(v, kNowhere);
    if (depth == 1) top_member(v);
  }
  void open(bool object, int depth) override {
    // Deeper than the text pre-check allows never gets here (kMaxTextDepth).
    Level l{object, 0, 0};
    if (depth > 0 && depth <= kLevels) {
      const Level& parent = levels_[depth - 1];
      l.object_depth = parent.object_depth + (object ? 1 : 0);
      l.array_depth = parent.array_depth + (object ? 0 : 1);
    } else if (depth == 0) {
      l.array_depth = object ? 0 : 1;
    }
    if (depth >= kLevels || l.object_depth > limits_.max_object_depth ||
        l.array_depth > limits_.max_array_depth) {
      w_.add(kNowhere, "max_depth", "");
      return;
    }
    levels_[depth] = l;
  }
  void close(const json& container, int depth) override {
    if (over_member_cap(container, limits_)) w_.add(kNowhere, "too_large", "");
    if (depth == 1) top_member(container);
  }

 private:
  static constexpr int kLevels = delivery::kMaxTextDepth + 1;
  static constexpr PathRef kNowhere{0};
  struct Level {
    bool object;
    int object_depth;
    int array_depth;
  };

  // A member of the top-level value is complete: the well-known rules.
  void top_member(const json& v) {
    if (levels_[0].object && top_key_) w_.check_well_known(*top_key_, v, kNowhere);
  }

  const Limits& limits_;
  Walker w_;
  Level levels_[kLevels] = {};
  const std::string* top_key_ = nullptr;
  bool saw_float_ = false;
};

// A value waiting to be walked, with the nesting depths of its parent.
struct Frame {
  const json* value;
  int node;  // index into Walker::nodes
  int object_depth;
  int array_depth;
};

}  // namespace

std::string join_path(const std::string& parent, const std::string& key) {
  std::string out;
  out.reserve(parent.size() + 1 + key.size());
  out += parent;
  out += '.';
  out += key;
  return out;
}

bool is_uuid(std::string_view t) {
  if (t.size() != 36) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

Issues validate_feedback(const json& feedback, const Limits& limits) {
  Walker w(limits);
  if (!feedback.is_object()) {
    w.add("feedback", "not_an_object",
          std::string("feedback must be an object, not ") + type_name(feedback));
    return w.finish();
  }

  // Depth-first, children pushed in reverse so issues come in document
  // order. A frame carries the depths of its parent; its own depth is
  // decided when it is popped, and a container past a limit is reported
  // there and not descended into.
  std::vector<Frame> stack;
  bool too_large = false;
  w.nodes.push_back({-1, nullptr, 0});
  stack.push_back({&feedback, 0, -1, 0});
  while (!stack.empty() && !w.capped()) {
    const Frame f = stack.back();
    stack.pop_back();
    const json& v = *f.value;
    const PathRef here{f.node};

    if (!v.is_object() && !v.is_array()) {
      w.check_scalar(v, here);
      continue;
    }
    int od = f.object_depth;
    int ad = f.array_depth;
    if (v.is_object() && ++od > limits.max_object_depth) {
      w.add(here, "max_object_depth",
            "objects are nested " + decimal(od) + " levels deep here; HoneyHive allows at most " +
                decimal(limits.max_object_depth));
      continue;
    }
    if (v.is_array() && ++ad > limits.max_array_depth) {
      w.add(here, "max_array_depth",
            "arrays are nested " + decimal(ad) + " levels deep here; HoneyHive allows at most " +
                decimal(limits.max_array_depth));
      continue;
    }

    // Cost cap (issue 11.6): every member or item serializes to at least
    // 2 bytes ("0," / "\"\":0" is more), so a container of more than
    // max_total_bytes / 2 can never fit. Said once, and nothing below it
    // is walked: a 1e5-item array costs one check, not 1e5 issues.
    if (over_member_cap(v, limits)) {
      w.add("feedback", "too_large",
            std::string(v.is_object() ? "the object at " : "the array at ") + w.path(here) +
                " holds " + decimal(v.size()) + (v.is_object() ? " members" : " items") +
                "; serialized it cannot fit the " +
                decimal(limits.max_total_bytes) + " bytes of one update");
      too_large = true;
      break;
    }
    const std::size_t first = stack.size();
    if (v.is_object()) {
      const bool top = od == 0;
      for (auto it = v.begin(); it != v.end() && !w.capped(); ++it) {
        w.nodes.push_back({f.node, &it.key(), 0});
        const PathRef child{static_cast<int>(w.nodes.size() - 1)};
        w.check_key(it.key(), child);
        if (top) w.check_well_known(it.key(), it.value(), child);
        stack.push_back({&it.value(), child.node, od, ad});
      }
    } else {
      for (std::size_t i = 0; i < v.size(); ++i) {
        w.nodes.push_back({f.node, nullptr, i});
        stack.push_back({&v[i], static_cast<int>(w.nodes.size() - 1), od, ad});
      }
    }
    std::reverse(stack.begin() + static_cast<std::ptrdiff_t>(first), stack.end());
  }

  if (!w.capped() && !too_large && w.longest_string > limits.max_total_bytes) {
    // One string alone is over: no need to count (and rescan) it all.
    w.add("feedback", "too_large",
          "serialized feedback is more than " + decimal(w.longest_string) + " bytes; at most " +
              decimal(limits.max_total_bytes) + " fit one update");
  } else if (!w.capped() && !too_large) {
    const auto size = serialized_size(feedback);
    if (size > limits.max_total_bytes) {
      w.add("feedback", "too_large",
            "serialized feedback is " + decimal(size) + " bytes; at most " +
                decimal(limits.max_total_bytes) + " fit one update");
    }
  }
  return w.finish();
}

namespace {

// What parse_feedback_text refuses before any parse (see validate.hpp).
bool refuse_text(std::string_view text, const Limits& limits, Issues& issues) {
  // Serialized feedback is never much shorter than its text (numbers such
  // as 1e5 grow a little), so this bound refuses only what cannot fit.
  // Up to 4 MiB the text is still parsed, so the answer names the field
  // (a 1 MB comment is string_too_long at feedback.comment); beyond, the
  // size alone answers, in microseconds instead of a parse of it all.
  const std::size_t max_text = std::max<std::size_t>(4u << 20, 2 * limits.max_total_bytes + 4096);
  if (text.size() > max_text) {
    issues.push_back({"feedback", "too_large",
                      "feedback: its JSON text is " + decimal(text.size()) + " bytes; at most " +
                          decimal(limits.max_total_bytes) + " fit one update (too_large)"});
    return true;
  }
  if (!delivery::text_depth_within(text, delivery::kMaxTextDepth)) {
    issues.push_back({"feedback", "max_object_depth",
                      "feedback: nested more than " + decimal(delivery::kMaxTextDepth) +
                          " levels; HoneyHive allows at most " + decimal(limits.max_object_depth) +
                          " (max_object_depth)"});
    return true;
  }
  return false;
}

void invalid_json(Issues& issues) {
  issues.push_back({"feedback", "invalid_json", "feedback: is not valid JSON text (invalid_json)"});
}

}  // namespace

json parse_feedback_text(std::string_view text, const Limits& limits, Issues& issues) {
  if (refuse_text(text, limits, issues)) return json();
  json value = parse_json_text(text);
  if (value.is_discarded()) invalid_json(issues);
  return value;
}

json parse_and_validate_feedback(std::string_view text, const Limits& limits, Issues& issues) {
  if (refuse_text(text, limits, issues)) return json();
  Probe probe(limits);
  json value = parse_json_text(text, &probe);
  if (value.is_discarded()) {
    invalid_json(issues);
    return value;
  }
  bool clean = value.is_object() && !probe.found();
  // The total size: the serialized form is never longer than the text
  // unless a float is written longer (1e5 -> 100000.0); strings, keys and
  // integers only ever shrink (escapes, whitespace). So a text within
  // max_total_bytes without floats fits, and nothing is counted.
  if (clean && (probe.saw_float() || text.size() > limits.max_total_bytes)) {
    clean = serialized_size(value) <= limits.max_total_bytes;
  }
  if (!clean) issues = validate_feedback(value, limits);
  return value;
}

}  // namespace tf
