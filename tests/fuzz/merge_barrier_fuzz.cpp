// libFuzzer (issue 11.2): for any stored state s and updates a, b to one
// target, what the engine sends (one merged update, or two across the
// merge barrier) leaves the server where sending a then b would:
//   server_apply(server_apply(s, a), b) == server_apply(server_apply(s, sent_1), sent_2 ...)
// and, wherever the engine merges, server_apply(server_apply(s,a),b) == server_apply(s, merge(a,b)).
// `apply` is an independent reference written here (HoneyHive's merge:
// objects key by key, anything else replaces), not the core's merge.
// The bytes drive a small generator over few keys, so paths collide often.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "delivery/engine.hpp"
#include "feedback/merge.hpp"

using nlohmann::json;

namespace {

struct Bytes {
  const uint8_t* p;
  size_t n;
  uint8_t next() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
};

json value(Bytes& in, int depth) {
  const uint8_t b = in.next();
  switch (b % (depth >= 4 ? 5 : 7)) {
    case 0: return static_cast<int>(b >> 3) % 4;
    case 1: return std::string(1, static_cast<char>('a' + (b >> 3) % 3));
    case 2: return (b & 8) != 0;
    case 3: return json::array({static_cast<int>(b >> 4)});
    case 4: return json::array();
    default: {
      json o = json::object();
      const int keys = in.next() % 4;
      for (int i = 0; i < keys; ++i) {
        o[std::string(1, static_cast<char>('p' + in.next() % 3))] = value(in, depth + 1);
      }
      return o;
    }
  }
}

json object(Bytes& in) {
  json o = json::object();
  const int keys = 1 + in.next() % 4;
  for (int i = 0; i < keys; ++i) o[std::string(1, static_cast<char>('x' + in.next() % 3))] = value(in, 1);
  return o;
}

// Reference apply: recursion is fine, depth is at most 5 here.
json server_apply(const json& stored, const json& patch) {
  json out = stored.is_object() ? stored : json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const auto found = out.find(it.key());
    const bool both_objects = it.value().is_object() && found != out.end() && found->is_object();
    out[it.key()] = both_objects ? server_apply(*found, it.value()) : it.value();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes in{data, size};
  const json s = object(in), a = object(in), b = object(in);
  const json expected = server_apply(server_apply(s, a), b);

  // The core's merge, where the barrier lets it merge.
  if (!tf::merge_changes_shape(a, b)) {
    json merged = a;
    tf::merge_feedback(merged, b);
    if (server_apply(s, merged) != expected) __builtin_trap();
  }

  // The engine end to end: enqueue both, deliver in order, apply what went out.
  tf::delivery::Config c;
  c.client_id = "f";
  c.flush_interval_ms = 1'000'000;
  tf::delivery::Engine e(c);
  const std::string target = "aaaaaaaa-0000-4000-8000-00000000000a";
  if (e.enqueue(target, a, 0).error != tf::delivery::Error::none) __builtin_trap();
  if (e.enqueue(target, b, 1).error != tf::delivery::Error::none) __builtin_trap();
  json stored = s;
  for (int round = 0; round < 4; ++round) {
    auto rs = e.take_ready(2, tf::delivery::FlushReason::flush);
    for (auto& r : rs) {
      std::vector<tf::delivery::UpdateResult> ok;
      for (auto& u : r.updates) {
        stored = server_apply(stored, u.feedback);
        ok.emplace_back(u.id, 200);
      }
      e.on_result(r.id, ok, 2);
    }
  }
  if (e.stats().queued != 0 || e.stats().in_flight != 0) __builtin_trap();
  if (stored != expected) __builtin_trap();
  return 0;
}
