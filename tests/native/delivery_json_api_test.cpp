// JsonEngine: the JSON-text boundary the wasm binding exposes. Round trips
// of every method's shape, and error objects for every malformed input.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "delivery/json_api.hpp"

using nlohmann::json;
using tf::delivery::JsonEngine;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-0000000000aa";
const std::string kS = "5e5510aa-0000-4000-8000-0000000000cc";

json J(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

void require_error(const std::string& text, const std::string& code) {
  CAPTURE(text);
  const json j = J(text);
  REQUIRE(j.is_object());
  CHECK(j["ok"] == false);
  CHECK(j["code"] == code);
  CHECK(j["message"].is_string());
}

const std::string kConfig = R"({"clientId":"tab1","flushAtUpdates":2,"flushIntervalMs":1000,
  "jitter":0,"seed":3,"maxQueueUpdates":3,"retryBaseMs":500})";

}  // namespace

TEST_CASE("config: defaults, all keys, and every problem reported", "[delivery][json]") {
  CHECK(J(JsonEngine("").configStatus()) == json{{"ok", true}});
  CHECK(J(JsonEngine("{}").configStatus()) == json{{"ok", true}});
  const std::string all = R"({"clientId":"x","flushAtUpdates":20,"flushAtBytes":32768,
    "flushIntervalMs":1000,"maxRequestUpdates":100,"maxRequestBytes":60000,"maxUpdateBytes":60000,
    "retryBaseMs":1000,"retryMaxDelayMs":60000,"maxAttempts":10,"maxAgeMs":86400000,
    "maxQueueUpdates":10000,"maxQueueBytes":4194304,"jitter":0.2,"seed":1,"maxInFlightRequests":4,
    "oneUpdatePerRequest":false,"maxDeadLetters":100,"hiddenBudgetBytes":65536,"retryAfterMaxMs":1})";
  CHECK(J(JsonEngine(all).configStatus()) == json{{"ok", true}});

  JsonEngine bad(R"({"flushAtUpdate":3,"jitter":"0.2","maxAttempts":-1,"clientId":7})");
  const json status = J(bad.configStatus());
  CHECK(status["code"] == "invalid_config");
  REQUIRE(status["errors"].size() == 4);
  std::set<std::string> paths;
  for (const auto& e : status["errors"]) paths.insert(e["path"].get<std::string>());
  CHECK(paths == std::set<std::string>{"flushAtUpdate", "jitter", "maxAttempts", "clientId"});

  const json range = J(JsonEngine(R"({"maxRequestBytes":10})").configStatus());
  REQUIRE(range["errors"].size() == 1);
  CHECK(range["errors"][0]["path"] == "maxRequestBytes");
  require_error(JsonEngine("[1]").configStatus(), "invalid_config");
  require_error(JsonEngine("{").configStatus(), "invalid_config");

  // A misconfigured engine refuses to work rather than use silent defaults.
  require_error(bad.enqueue(kA, R"({"a":1})", 0), "invalid_config");
  require_error(bad.takeReady(0, "tick"), "invalid_config");
  require_error(bad.snapshot(), "invalid_config");
  CHECK(bad.nextWake(0) == -1);
}

TEST_CASE("enqueue → takeReady → onResult round trip in wire format", "[delivery][json]") {
  JsonEngine e(kConfig);
  const json r1 = J(e.enqueue(kA, R"({"rating":4})", 0));
  CHECK(r1 == json{{"ok", true},
                   {"updateId", "tab1-1"},
                   {"eventId", kA},
                   {"merged", false},
                   {"waitingForSession", false}});
  CHECK(J(e.enqueue(kA, R"({"comment":"good"})", 1))["merged"] == true);
  const json waiting = J(e.enqueue("", R"({"thumbs":"up"})", 2));
  CHECK(waiting["eventId"].is_null());
  CHECK(waiting["waitingForSession"] == true);

  CHECK(J(e.takeReady(10, "tick")) == json::array());
  CHECK(e.nextWake(10) == 1000);
  const json session = J(e.setSession(kS, 20));
  CHECK(session["ok"] == true);
  CHECK(session["retargeted"] == json::array({"tab1-2"}));
  CHECK(session["merged"] == json::array());

  const json reqs = J(e.takeReady(20, "tick"));  // two pending: flushAtUpdates
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0]["id"] == "r-1");
  CHECK(reqs[0]["updates"] == J(R"([
    {"id":"tab1-1","event_id":")" +
                                kA + R"(","feedback":{"rating":4,"comment":"good"}},
    {"id":"tab1-2","event_id":")" +
                                kS + R"(","feedback":{"thumbs":"up"}}])"));
  CHECK(reqs[0]["bytes"] == json{{"updates", reqs[0]["updates"]}}.dump().size());
  CHECK(J(e.stats())["inFlight"] == 2);

  const json out = J(e.onResult(
      "r-1", R"([{"id":"tab1-1","status":200},{"id":"tab1-2","status":503,"retryAfter":"2"}])",
      30));
  CHECK(out == json{{"ok", true},
                    {"knownRequest", true},
                    {"delivered", {"tab1-1"}},
                    {"retrying", {"tab1-2"}},
                    {"deadLettered", json::array()}});
  CHECK(e.nextWake(30) == 2030);
  CHECK(J(e.pending()) == J(R"([{"id":"tab1-2","event_id":")" + kS +
                            R"(","feedback":{"thumbs":"up"},"attempts":1}])"));
  const json stats = J(e.stats());
  CHECK(stats == json{{"queued", 1},
                      {"inFlight", 0},
                      {"waitingForSession", 0},
                      {"sent", 1},
                      {"retried", 1},
                      {"dropped", 0},
                      {"deadLettered", 0},
                      {"deadLettersEvicted", 0}});

  const json again = J(e.takeReady(2030, "explicit"));
  REQUIRE(again.size() == 1);
  const json failed =
      J(e.onRequestFailed(again[0]["id"].get<std::string>(), 400, "", "", 2040));
  CHECK(failed["deadLettered"] == json::array({"tab1-2"}));
  const json dead = J(e.takeDeadLetters());
  REQUIRE(dead.size() == 1);
  CHECK(dead[0] == json{{"id", "tab1-2"},
                        {"event_id", kS},
                        {"feedback", {{"thumbs", "up"}}},
                        {"status", 400},
                        {"reason", "rejected"},
                        {"code", "rejected"},
                        {"attempts", 2},
                        {"cause", "answered 400"},
                        {"message", "dead-lettered after 2 attempts; last: answered 400"}});
  CHECK(e.nextWake(2040) == -1);
}

TEST_CASE("snapshot, restore, absorb and abandonInFlight through JSON", "[delivery][json]") {
  JsonEngine a(kConfig);
  a.enqueue(kA, R"({"x":1})", 0);
  a.takeReady(0, "hidden");
  const std::string snap = a.snapshot();
  CHECK(J(snap)["format"] == "trace-feedback-queue");

  const json abandoned = J(a.abandonInFlight(100));
  CHECK(abandoned == json{{"ok", true}, {"abandoned", {"tab1-1"}}});

  JsonEngine b(kConfig);
  CHECK(J(b.restore(snap, 100)) == json{{"ok", true}, {"added", 1}});
  CHECK(J(b.snapshot()) == J(a.snapshot()));

  JsonEngine c(R"({"clientId":"tab2"})");
  CHECK(J(c.absorb(snap, 100)) == json{{"ok", true}, {"added", 1}, {"skipped", 0}});
  CHECK(J(c.absorb(snap, 100)) == json{{"ok", true}, {"added", 0}, {"skipped", 1}});
  CHECK(J(c.pending()).size() == 1);
}

TEST_CASE("malformed input gives an error object, never a crash", "[delivery][json]") {
  JsonEngine e(kConfig);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  require_error(e.enqueue(kA, "{", 0), "invalid_json");
  require_error(e.enqueue(kA, "", 0), "invalid_json");
  require_error(e.enqueue(kA, std::string(10000, '[') + std::string(10000, ']'), 0),
                "invalid_json");
  require_error(e.enqueue(kA, "[1]", 0), "invalid_feedback");
  require_error(e.enqueue(kA, "\"\xff\xfe\"", 0), "invalid_json");
  require_error(e.enqueue("not/an/id", R"({"a":1})", 0), "invalid_event_id");
  require_error(e.enqueue(kA, R"({"a":1})", nan), "invalid_argument");
  require_error(e.enqueue(kA, R"({"a":1})", 1e300), "invalid_argument");
  require_error(e.setSession("", 0), "invalid_event_id");
  require_error(e.takeReady(0, "soon"), "invalid_argument");
  require_error(e.takeReady(inf, "tick"), "invalid_argument");
  require_error(e.onRequestFailed("r-1", 0, "", "", nan), "invalid_argument");
  require_error(e.restore("garbage", 0), "invalid_json");
  require_error(e.restore("{}", 0), "invalid_snapshot");
  require_error(e.restore(R"({"format":"trace-feedback-queue","version":2})", 0),
                "unsupported_version");
  require_error(e.absorb("[]", 0), "invalid_snapshot");
  require_error(e.abandonInFlight(nan), "invalid_argument");
  CHECK(e.nextWake(nan) == -1);
  // An unknown request is not an error: a late answer is normal.
  CHECK(J(e.onResult("r-77", "[]", 0))["knownRequest"] == false);
  CHECK(J(e.onResult("r-77", "nope", 0))["knownRequest"] == false);
  CHECK(J(e.onRequestFailed("r-77", -5, "", "x", 0))["knownRequest"] == false);
  // Nothing above changed the engine.
  CHECK(J(e.pending()) == json::array());
  CHECK(J(e.stats())["dropped"] == 0);

  // Capacity errors carry their code.
  for (const char* id : {"e1000000-0000-4000-8000-000000000001", "e2000000-0000-4000-8000-000000000002",
                         "e3000000-0000-4000-8000-000000000003"}) {
    e.enqueue(id, R"({"a":1})", 0);
  }
  require_error(e.enqueue("e4000000-0000-4000-8000-000000000004", R"({"a":1})", 0), "queue_full");
  CHECK(J(e.stats())["dropped"] == 1);
}
