// The envelope of every ClientCore call (src/client/envelope.hpp): "+" and
// the value, or the refusal {"ok":false,"errors":[{"path","code","message"}]}
// with a meaningful path, engine refusals included. web/core/boundary.ts
// decodes exactly these strings.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "client/client_core.hpp"

using nlohmann::json;
using tf::ClientCore;

namespace {

const std::string kA = "aaaaaaaa-0000-4000-8000-0000000000aa";
const std::string kB = "bbbbbbbb-0000-4000-8000-0000000000bb";
const std::string kS = "5e5510aa-0000-4000-8000-0000000000cc";

// The value of an ok envelope, parsed.
json ok_value(const std::string& text) {
  CAPTURE(text);
  REQUIRE(text.size() >= 1);
  REQUIRE(text[0] == '+');
  json j = json::parse(text.substr(1), nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

// The single issue of a refusal.
json refusal(const std::string& text, const std::string& path, const std::string& code) {
  CAPTURE(text);
  REQUIRE(text.size() > 1);
  REQUIRE(text[0] == '{');
  const json j = json::parse(text, nullptr, false);
  REQUIRE(j.is_object());
  CHECK(j["ok"] == false);
  REQUIRE(j["errors"].is_array());
  REQUIRE_FALSE(j["errors"].empty());
  const json& e = j["errors"][0];
  CHECK(e["path"] == path);
  CHECK(e["code"] == code);
  CHECK(e["message"].get<std::string>().rfind(path + ": ", 0) == 0);
  return e;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

const std::string kQuiet = R"("delivery":{"clientId":"t","flushIntervalMs":1000000,"flushAtUpdates":100,"jitter":0})";

}  // namespace

TEST_CASE("envelope: status is + or every bad option with its path", "[boundary][json]") {
  CHECK(ClientCore("{}").status() == "+");
  CHECK(ClientCore("").status() == "+");
  refusal(ClientCore(R"({"limts":{}})").status(), "options.limts", "invalid_options");
  refusal(ClientCore(R"({"wire":"carrier-pigeon"})").status(), "options.wire", "invalid_options");
  refusal(ClientCore(R"({"delivery":{"maxAtempts":3}})").status(), "options.delivery.maxAtempts",
          "invalid_options");
  // takeReady's fields are split on tabs and newlines: an id must not hold them.
  refusal(ClientCore(R"({"delivery":{"clientId":"a\tb"}})").status(), "options.delivery.clientId",
          "invalid_options");
}

TEST_CASE("envelope: capture's receipt is flags, update id, event id; no JSON", "[boundary][json]") {
  ClientCore core("{" + kQuiet + "}");
  // 4 = event id known.
  CHECK(core.capture(kA, R"({"rating":true})", 1000) == "+4t-1\t" + kA);
  // 1 | 4 = merged into the unsent update.
  CHECK(core.capture(kA, R"({"comment":"ok"})", 1001) == "+5t-1\t" + kA);
  // 2 = waiting for the session, and no event id (null) yet.
  CHECK(core.capture("", R"({"rating":false})", 1002) == "+2t-2\t");
  ok_value(core.setSession(kS, 1003));
  CHECK(core.capture("", R"({"score":1})", 1004) == "+5t-2\t" + kS);
}

TEST_CASE("envelope: capture refusals name the field, the id or the time", "[boundary][json]") {
  ClientCore core(R"({"limits":{"scoreMax":5},"delivery":{"clientId":"t","maxQueueUpdates":1}})");
  refusal(core.capture(kA, R"({"score":7})", 1000), "feedback.score", "out_of_range");
  refusal(core.capture(kA, "not json", 1000), "feedback", "invalid_json");
  refusal(core.capture(kA, R"({"rating":true})", -1), "now", "invalid_argument");
  refusal(core.capture("not-a-uuid", R"({"rating":true})", 1000), "eventId", "invalid_event_id");
  CHECK(core.capture(kA, R"({"rating":true})", 1000)[0] == '+');
  // The queue holds one update; a second target does not fit.
  refusal(core.capture(kB, R"({"rating":true})", 1000), "feedback", "queue_full");
  CHECK(ok_value(core.stats())["queued"] == 1);  // nothing queued was touched
}

TEST_CASE("envelope: setSession", "[boundary][json]") {
  ClientCore core("{" + kQuiet + "}");
  const json v = ok_value(core.setSession(kS, 1000));
  CHECK(v["sessionId"] == kS);
  CHECK(v["retargeted"].is_array());
  refusal(core.setSession("nope", 1000), "sessionId", "invalid_event_id");
  refusal(core.setSession(kS, std::nan("")), "now", "invalid_argument");
}

TEST_CASE("envelope: takeReady gives the exact proxy body to send", "[boundary][json]") {
  ClientCore core("{" + kQuiet + "}");
  CHECK(core.takeReady(1000, "explicit") == "+");
  core.capture(kA, R"({"rating":true})", 1000);
  core.capture(kB, R"({"comment":"a\tb\nc"})", 1000);
  const std::string t = core.takeReady(1000, "explicit");
  REQUIRE(t[0] == '+');
  const auto lines = split(t.substr(1), '\n');
  REQUIRE(lines.size() == 1);
  const auto f = split(lines[0], '\t');
  REQUIRE(f.size() == 3 + 2 * 2 + 1);
  CHECK(f[0] == "r-1");  // the engine's request id
  CHECK(f[2] == "2");
  CHECK(f[3] == "t-1");
  CHECK(f[4] == kA);
  CHECK(f[5] == "t-2");
  CHECK(f[6] == kB);
  const std::string& body = f[7];
  CHECK(body == R"({"updates":[{"event_id":")" + kA + R"(","feedback":{"rating":true},"id":"t-1"},)" +
                    R"({"event_id":")" + kB + R"(","feedback":{"comment":"a\tb\nc"},"id":"t-2"}]})");
  CHECK(f[1] == std::to_string(body.size()));  // bytes is the body's size
  refusal(core.takeReady(1000, "whenever"), "reason", "invalid_argument");
  refusal(core.takeReady(INFINITY, "tick"), "now", "invalid_argument");
}

TEST_CASE("envelope: takeReady builds one body per update for the HoneyHive wires", "[boundary][json]") {
  for (const std::string wire : {"honeyhive", "honeyhive-legacy"}) {
    CAPTURE(wire);
    ClientCore core(R"({"wire":")" + wire + R"(",)" + kQuiet + "}");
    core.capture(kA, R"({"rating":true})", 1000);
    core.capture(kB, R"({"score":2})", 1000);
    const std::string t = core.takeReady(1000, "explicit");
    REQUIRE(t[0] == '+');
    const auto f = split(t.substr(1), '\t');
    REQUIRE(f.size() == 3 + 4 + 2);
    if (wire == "honeyhive") {
      CHECK(f[7] == R"({"feedback":{"rating":true}})");
      CHECK(f[8] == R"({"feedback":{"score":2}})");
    } else {
      CHECK(f[7] == R"({"event_id":")" + kA + R"(","feedback":{"rating":true}})");
      CHECK(f[8] == R"({"event_id":")" + kB + R"(","feedback":{"score":2}})");
    }
  }
}

TEST_CASE("envelope: onResult takes a results array or the proxy's whole body", "[boundary][json]") {
  ClientCore core("{" + kQuiet + "}");
  auto send = [&](const std::string& id) {
    core.capture(id, R"({"rating":true})", 1000);
    const auto f = split(core.takeReady(1000, "explicit").substr(1), '\t');
    return std::make_pair(f[0], f[3]);
  };
  auto [r1, u1] = send(kA);
  json v = ok_value(core.onResult(r1, R"([{"id":")" + u1 + R"(","status":200}])", 1100));
  CHECK(v["knownRequest"] == true);
  CHECK(v["delivered"] == json::array({u1}));

  auto [r2, u2] = send(kB);
  v = ok_value(core.onResult(r2, R"( {"results":[{"id":")" + u2 + R"(","status":503,"retryAfter":2}]})", 1200));
  CHECK(v["retrying"] == json::array({u2}));

  v = ok_value(core.onRequestFailed("r-9", 0, "", "", 1300));
  CHECK(v["knownRequest"] == false);
  v = ok_value(core.onResult("unknown", "[]", 1300));
  CHECK(v["knownRequest"] == false);
  refusal(core.onResult(r1, "[]", NAN), "now", "invalid_argument");
}

TEST_CASE("envelope: a malformed whole body fails every update of the request", "[boundary][json]") {
  ClientCore core(R"({"delivery":{"clientId":"t","flushIntervalMs":1000000,"jitter":0,"maxAttempts":5}})");
  core.capture(kA, R"({"rating":true})", 1000);
  const auto f = split(core.takeReady(1000, "explicit").substr(1), '\t');
  const json v = ok_value(core.onResult(f[0], R"({"results":"nope"})", 1100));
  CHECK(v["retrying"] == json::array({f[3]}));
  CHECK(ok_value(core.stats())["inFlight"] == 0);
}

TEST_CASE("envelope: the cold calls", "[boundary][json]") {
  ClientCore core("{" + kQuiet + "}");
  core.capture(kA, R"({"rating":true})", 1000);
  CHECK(ok_value(core.pending()).size() == 1);
  CHECK(ok_value(core.stats())["queued"] == 1);
  CHECK(ok_value(core.takeDeadLetters()) == json::array());
  const auto f = split(core.takeReady(1000, "explicit").substr(1), '\t');
  CHECK(ok_value(core.abandonInFlight(1001)) == json::array({f[3]}));
  const std::string snap = core.snapshot();
  const json s = ok_value(snap);
  CHECK(s.is_object());
  CHECK(core.nextWake(1001) >= 0);

  ClientCore other(R"({"delivery":{"clientId":"u"}})");
  CHECK(ok_value(other.absorb(snap.substr(1), 2000)) == json{{"added", 1}, {"skipped", 0}});
  CHECK(ok_value(other.absorb(snap.substr(1), 2000)) == json{{"added", 0}, {"skipped", 1}});
  ClientCore third(R"({"delivery":{"clientId":"t"}})");
  CHECK(ok_value(third.restore(snap.substr(1), 2000)) == json{{"added", 1}});
  refusal(third.restore("{", 2000), "snapshot", "invalid_json");
  refusal(third.restore(R"({"format":"trace-feedback-queue","version":99})", 2000), "snapshot",
          "unsupported_version");
  refusal(third.absorb("[]", 2000), "snapshot", "invalid_snapshot");
}
