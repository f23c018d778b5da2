// libFuzzer: hostile persisted queues. restore() and absorb() take text from
// storage another tab (or an attacker with script access) may have written:
// they must refuse garbage without crashing and leave the engine usable.
#include <cstddef>
#include <cstdint>
#include <string>

#include "delivery/json_api.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  tf::delivery::JsonEngine engine("{\"clientId\":\"fuzz\",\"flushAtUpdates\":1}");
  (void)engine.enqueue("123e4567-e89b-12d3-a456-426614174000", "{\"rating\":true}", 1000);
  const std::string before = engine.snapshot();
  const std::string restored = engine.restore(text, 2000);
  if (restored.find("\"ok\":false") != std::string::npos && engine.snapshot() != before) {
    __builtin_trap();  // a refused restore must leave the engine unchanged
  }
  (void)engine.absorb(text, 3000);
  // Still a working engine: it takes updates, sends, and round-trips.
  (void)engine.enqueue("", "{\"comment\":\"x\"}", 4000);
  (void)engine.setSession("123e4567-e89b-12d3-a456-426614174001", 4000);
  (void)engine.takeReady(5000, "explicit");
  const std::string snap = engine.snapshot();
  tf::delivery::JsonEngine other("{}");
  if (other.restore(snap, 6000).find("\"ok\":true") == std::string::npos) __builtin_trap();
  return 0;
}
