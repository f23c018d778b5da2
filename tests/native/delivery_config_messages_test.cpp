// Config messages (issue 11.8, engine side): an unknown key names the
// closest known one, and a wrong value names the accepted range, through
// the ClientCore's problems() the client turns into invalid_options.
#include <catch2/catch.hpp>
#include <string>

#include "client/client_core.hpp"
#include "delivery/config_json.hpp"

using nlohmann::json;
using tf::delivery::parse_config;

namespace {

std::string message_for(const std::string& config, const std::string& path) {
  const auto p = parse_config(config);
  for (const auto& e : p.errors) {
    if (e["path"] == path) return e["message"].get<std::string>();
  }
  FAIL("no error at " << path << " for " << config);
  return "";
}

}  // namespace

TEST_CASE("unknown keys name the closest known key", "[delivery][config]") {
  CHECK(message_for(R"({"maxAtempts":3})", "maxAtempts") ==
        "unknown key (did you mean maxAttempts?)");
  CHECK(message_for(R"({"unknownEventRetry":3})", "unknownEventRetry") ==
        "unknown key (did you mean unknownEventRetryMs?)");
  CHECK(message_for(R"({"flushintervalms":3})", "flushintervalms") ==
        "unknown key (did you mean flushIntervalMs?)");
  CHECK(message_for(R"({"Seed":3})", "Seed") == "unknown key (did you mean seed?)");
}

TEST_CASE("wrong values name the accepted range", "[delivery][config]") {
  CHECK(message_for(R"({"retryBaseMs":-5})", "retryBaseMs") ==
        "expected an integer of milliseconds from 0 to 1e13");
  CHECK(message_for(R"({"retryBaseMs":1e12,"retryMaxDelayMs":10})", "retryMaxDelayMs") ==
        "retryBaseMs to 1e13");
  CHECK(message_for(R"({"maxAgeMs":1e14})", "maxAgeMs") == "1 to 1e13");
  CHECK(message_for(R"({"maxAttempts":0})", "maxAttempts") ==
        "expected an integer from 1 to 1000000");
  CHECK(message_for(R"({"jitter":"x"})", "jitter") == "expected a number from 0 to 1");
  CHECK(message_for(R"({"jitter":2})", "jitter") == "0 to 1");
  CHECK(message_for(R"({"seed":-1})", "seed") == "expected an integer from 0 to 2^53-1");
  CHECK(message_for(R"({"maxRequestBytes":10})", "maxRequestBytes") == "at least 1024");
}

TEST_CASE("ClientCore reports them under options.delivery", "[delivery][config]") {
  tf::ClientCore core(R"({"delivery":{"maxAtempts":3}})");
  const json problems = json::parse(core.problems());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0]["path"] == "options.delivery.maxAtempts");
  CHECK(problems[0]["code"] == "invalid_options");
  CHECK(problems[0]["message"] ==
        "options.delivery.maxAtempts: unknown key (did you mean maxAttempts?) (invalid_options)");
}
