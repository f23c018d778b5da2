// See parse.hpp.
#include "json/parse.hpp"

#include "json/reader.hpp"

#include <utility>
#include <vector>

namespace tf {
namespace {

using nlohmann::json;

// nlohmann's json_sax_dom_parser, plus the observer calls: the only handler
// the core's reader (reader.hpp) drives. Members are placed into
// the std::map / std::vector directly (the map node's key is what the
// observer gets: stable, unlike the reader's buffer).
class DomBuilder {
 public:
  DomBuilder(json& root, ParseObserver* observer) : root_(root), observer_(observer) {}

  // Every scalar becomes a json first and is placed by one function: one
  // copy of the placing code in the module, not one per scalar type.
  bool null() { return scalar(json(nullptr)); }
  bool boolean(bool v) { return scalar(json(v)); }
  bool number_integer(json::number_integer_t v) { return scalar(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t& /*text*/) {
    return scalar(json(v));
  }
  // Copied, not moved: the reader reuses its buffer's capacity.
  bool string(json::string_t& v) { return scalar(json(v)); }

  bool start_object(std::size_t /*len*/) { return open(json::value_t::object); }
  bool start_array(std::size_t /*len*/) { return open(json::value_t::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& k) {
    auto& members = *stack_.back()->get_ptr<json::object_t*>();
    // An existing key is overwritten by the value that follows.
    auto it = members.emplace(k, nullptr).first;
    member_ = &it->second;
    if (observer_) observer_->key(it->first, depth());
    return true;
  }

 private:
  int depth() const { return static_cast<int>(stack_.size()); }

  json* place(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    if (stack_.back()->is_array()) {
      auto& items = *stack_.back()->get_ptr<json::array_t*>();
      items.push_back(std::move(v));
      return &items.back();
    }
    *member_ = std::move(v);
    return member_;
  }

  bool scalar(json&& v) {
    const json* placed = place(std::move(v));
    if (observer_) observer_->scalar(*placed, depth());
    return true;
  }

  bool open(json::value_t type) {
    if (observer_) observer_->open(type == json::value_t::object, depth());
    stack_.push_back(place(json(type)));
    return true;
  }

  bool close() {
    const json* done = stack_.back();
    stack_.pop_back();
    if (observer_) observer_->close(*done, depth());
    return true;
  }

  json& root_;
  ParseObserver* observer_;
  std::vector<json*> stack_;  // open containers, innermost last
  json* member_ = nullptr;    // the member whose key was read last
};

}  // namespace

json parse_json_text(std::string_view text, ParseObserver* observer) {
  json out;
  DomBuilder builder(out, observer);
  // The whole text must be one value, as json::parse requires.
  if (!JsonReader<DomBuilder>(text, builder).run()) out = json(json::value_t::discarded);
  return out;
}

}  // namespace tf
