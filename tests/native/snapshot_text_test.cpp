// The snapshot text is written directly (Engine::write_snapshot), not
// built as a DOM copy of the queue and dumped: the same bytes as the DOM
// dump (nlohmann's sorted keys, compact, invalid UTF-8 replaced), and a
// heap peak of about the text itself. The DOM copy made the wasm heap of
// a busy page grow late (bench/memory.mjs): 1,000 queued updates copied
// node by node, then the text doubling as it grew, then the envelope's copy.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>

#include "client/client_core.hpp"
#include "delivery/engine.hpp"
#include "delivery/json_read.hpp"

// Live and peak bytes handed out by operator new while `counting` is set
// (the whole test binary uses this operator new; it counts only then).
namespace {
bool counting = false;
std::int64_t live_bytes = 0;
std::int64_t peak_bytes = 0;
constexpr std::size_t kHeader = 16;  // keeps max_align_t alignment
}  // namespace

void* operator new(std::size_t n) {
  void* block = std::malloc(n + kHeader);
  if (block == nullptr) throw std::bad_alloc();
  *static_cast<std::size_t*>(block) = n;
  if (counting) {
    live_bytes += static_cast<std::int64_t>(n);
    if (live_bytes > peak_bytes) peak_bytes = live_bytes;
  }
  return static_cast<char*>(block) + kHeader;
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  char* block = static_cast<char*>(p) - kHeader;
  if (counting) live_bytes -= static_cast<std::int64_t>(*reinterpret_cast<std::size_t*>(block));
  std::free(block);
}
void operator delete[](void* p) noexcept { ::operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { ::operator delete(p); }

using nlohmann::json;
using tf::delivery::Config;
using tf::delivery::Engine;
using tf::delivery::FlushReason;

namespace {

std::string uuid(int n) {
  std::string hex = std::to_string(10000000 + n);
  return hex.substr(0, 8) + "-0000-4000-8000-000000000000";
}

// Every part of the state: queued, in flight, backing off, waiting for the
// session, dead letters, texts that need escaping and invalid UTF-8.
Engine busy(int answers) {
  Config c;
  c.client_id = "snap";
  c.seed = 7;
  c.max_queue_updates = 5000;
  Engine e(c);
  e.enqueue(uuid(0), json{{"comment", "quote \" backslash \\ tab \t \xc3\xa9 \xf0\x9f\x91\x8d"}}, 5);
  e.enqueue(uuid(1), json{{"comment", std::string("bad \xff utf8")}, {"score", 2.5}}, 5);
  auto rs = e.take_ready(10, FlushReason::flush);
  e.on_result(rs[0].id, {{"snap-1", 503, ""}, {"snap-2", 400, ""}}, 20);
  e.enqueue("", json{{"rating", true}}, 30);
  for (int i = 2; i < answers; ++i) {
    e.enqueue(uuid(i),
              json{{"rating", i % 2 == 0},
                   {"score", i % 5},
                   {"comment", "Clear and correct; the second example was exactly what I needed."},
                   {"actions", {{"copied", true}, {"copy_count", i % 7}}},
                   {"edits", json::array({{{"at", i}, {"op", "insert"}, {"value", "x"}}})}},
              40);
  }
  e.take_ready(50, FlushReason::flush);  // some in flight
  return e;
}

}  // namespace

TEST_CASE("the snapshot text is the DOM dump of the same state, byte for byte", "[delivery][snapshot]") {
  const Engine e = busy(40);
  const std::string text = e.snapshot_text();
  const auto parsed = tf::delivery::parse_bounded(text);
  REQUIRE(parsed);
  // Sorted keys, compact, each value as nlohmann dumps it: re-dumping the
  // parsed text gives it back unchanged.
  CHECK(tf::delivery::dump_safe(*parsed) == text);
  CHECK((*parsed)["updates"].size() == e.stats().queued + e.stats().in_flight);
  CHECK((*parsed)["dead_letters"].size() == 1);
  CHECK((*parsed)["dead_letters"][0]["feedback"]["comment"] == "bad \xef\xbf\xbd utf8");
  CHECK((*parsed)["updates"][0]["feedback"]["comment"] ==
        "quote \" backslash \\ tab \t \xc3\xa9 \xf0\x9f\x91\x8d");
  CHECK(e.snapshot() == *parsed);

  // Restored elsewhere, it writes the same text again.
  Config c;
  c.client_id = "snap";
  c.seed = 7;
  c.max_queue_updates = 5000;
  Engine other(c);
  REQUIRE(other.restore(*parsed, 60).error == tf::delivery::Error::none);
  const auto again = tf::delivery::parse_bounded(other.snapshot_text());
  REQUIRE(again);
  CHECK((*again)["updates"].size() == (*parsed)["updates"].size());
  CHECK((*again)["dead_letters"] == (*parsed)["dead_letters"]);
}

TEST_CASE("ClientCore::snapshot is the tag and the engine's text, nothing re-encoded", "[delivery][snapshot]") {
  tf::ClientCore core(R"({"delivery":{"clientId":"cc","seed":3}})");
  REQUIRE(core.status() == "+");
  REQUIRE(core.capture(uuid(1), R"({"rating":true,"comment":"\u00e9 ok"})", 1000)[0] == '+');
  const std::string out = core.snapshot();
  REQUIRE(out.size() > 1);
  CHECK(out[0] == '+');
  const auto parsed = tf::delivery::parse_bounded(out.substr(1));
  REQUIRE(parsed);
  CHECK(tf::delivery::dump_safe(*parsed) == out.substr(1));
  CHECK((*parsed)["updates"][0]["feedback"]["comment"] == "\xc3\xa9 ok");
}

TEST_CASE("a snapshot of 2,000 queued updates needs about its own text in memory, no DOM copy",
          "[delivery][snapshot][memory]") {
  const Engine e = busy(2000);
  live_bytes = 0;
  peak_bytes = 0;
  counting = true;
  const std::string text = e.snapshot_text();
  counting = false;
  const auto size = static_cast<std::int64_t>(text.size());
  INFO("text " << size << " B, peak while writing " << peak_bytes << " B");
  REQUIRE(size > 300000);
  // One reserved buffer of about the text (the estimate may be off by the
  // per-update allowance) and small temporaries. A DOM copy of the queue
  // alone is several times the text.
  CHECK(peak_bytes <= size * 3 / 2);
  CHECK(peak_bytes >= size);
}
