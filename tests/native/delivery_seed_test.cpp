// Jitter entropy (issue 11.1): the seed from the config drives the retry
// jitter, is persisted in the snapshot, and a restored or absorbed snapshot
// keeps the live seed, so clients that failed in the same outage spread
// their retries apart. Fake clock.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "delivery/config_json.hpp"
#include "delivery/engine.hpp"

using nlohmann::json;
using tf::delivery::Config;
using tf::delivery::Engine;
using tf::delivery::FlushReason;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-00000000000a";

Config seeded(uint64_t seed) {
  Config c;
  c.client_id = "j";
  c.jitter = 0.5;
  c.seed = seed;
  c.max_attempts = 100;
  return c;
}

// The delays of five consecutive 503s for one update, starting at 0.
std::vector<int64_t> outage_delays(Engine& e) {
  std::vector<int64_t> delays;
  e.enqueue(kA, json{{"rating", 1}}, 0);
  int64_t now = 0;
  for (int i = 0; i < 5; ++i) {
    auto rs = e.take_ready(now, FlushReason::flush);
    REQUIRE(rs.size() == 1);
    e.on_request_failed(rs[0].id, 503, "", now);
    const int64_t wake = e.next_wake(now).value();
    delays.push_back(wake - now);
    now = wake;
  }
  return delays;
}

}  // namespace

TEST_CASE("two seeds give different retry delays for the same outage; one seed repeats",
          "[delivery][seed]") {
  Engine a(seeded(0x1234567)), b(seeded(0x89abcdef)), a2(seeded(0x1234567));
  const auto da = outage_delays(a), db = outage_delays(b), da2 = outage_delays(a2);
  CHECK(da != db);
  CHECK(da == da2);
  int differ = 0;
  for (std::size_t i = 0; i < da.size(); ++i) differ += da[i] != db[i];
  CHECK(differ >= 4);  // not one coincidence: the whole sequence differs
}

TEST_CASE("the seed is persisted, and restore/absorb keep the live one", "[delivery][seed]") {
  Engine writer(seeded(777));
  writer.enqueue(kA, json{{"rating", 1}}, 0);
  const json snap = writer.snapshot();
  CHECK(snap["seed"] == 777);

  // A reader with its own seed restores the queue but jitters as itself.
  Engine reader(seeded(4242)), fresh(seeded(4242)), same_as_writer(seeded(777));
  REQUIRE(reader.restore(snap, 0).error == tf::delivery::Error::none);
  CHECK(reader.snapshot()["seed"] == 4242);
  const auto dr = outage_delays(reader);  // enqueue merges into the restored j-1
  const auto df = outage_delays(fresh);
  const auto dw = outage_delays(same_as_writer);
  CHECK(dr == df);
  CHECK(dr != dw);

  Engine absorber(seeded(5));
  REQUIRE(absorber.absorb(snap, 0).error == tf::delivery::Error::none);
  CHECK(absorber.snapshot()["seed"] == 5);

  json bad = snap;
  bad["seed"] = -1;
  CHECK(reader.restore(bad, 0).error == tf::delivery::Error::invalid_snapshot);
}

TEST_CASE("seed from JSON: 53 bits accepted, beyond refused", "[delivery][seed][config]") {
  auto p = tf::delivery::parse_config(R"({"seed":9007199254740991})");
  CHECK(p.errors.empty());
  CHECK(Engine(p.config).snapshot()["seed"] == 9007199254740991ull);
  p = tf::delivery::parse_config(R"({"seed":9007199254740992})");
  CHECK(p.errors.size() == 1);
  p = tf::delivery::parse_config(R"({"seed":1.5})");
  CHECK(p.errors.size() == 1);
}
