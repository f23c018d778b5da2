// One rule table (issue 11): tests/rules/table.json holds the answers every
// copy of a shared rule must give (the client's isUuid, the proxy's, the
// collector's...). The C++ core owns the rules; this pins it to the table,
// and the engine's event-id rule to the same is_uuid (it used to accept any
// [A-Za-z0-9_-]{1,128}).
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "delivery/engine.hpp"
#include "delivery/retry.hpp"
#include "feedback/validate.hpp"

using nlohmann::json;
using tf::delivery::classify_status;
using tf::delivery::StatusClass;

#ifndef TF_SOURCE_DIR
#error "TF_SOURCE_DIR (the repository root) must be defined by CMakeLists.txt"
#endif

namespace {

json table() {
  const std::string path = std::string(TF_SOURCE_DIR) + "/tests/rules/table.json";
  std::ifstream in(path);
  INFO(path);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

}  // namespace

TEST_CASE("is_uuid and the engine's id rule answer as the table", "[rules]") {
  const json t = table();
  REQUIRE(t["uuid"]["valid"].size() >= 3);
  REQUIRE(t["uuid"]["invalid"].size() >= 3);
  for (const auto& v : t["uuid"]["valid"]) {
    const std::string id = v.get<std::string>();
    CAPTURE(id);
    CHECK(tf::is_uuid(id));
    CHECK(tf::delivery::valid_event_id(id));
  }
  for (const auto& v : t["uuid"]["invalid"]) {
    const std::string id = v.get<std::string>();
    CAPTURE(id);
    CHECK_FALSE(tf::is_uuid(id));
    CHECK_FALSE(tf::delivery::valid_event_id(id));
  }
}

TEST_CASE("the engine refuses what the table calls invalid, as event and as session",
          "[rules]") {
  const json t = table();
  for (const auto& v : t["uuid"]["invalid"]) {
    const std::string id = v.get<std::string>();
    if (id.empty()) continue;  // "" means "the session" to enqueue
    CAPTURE(id);
    tf::delivery::Engine e(tf::delivery::Config{});
    CHECK(e.enqueue(id, json{{"a", 1}}, 0).error == tf::delivery::Error::invalid_event_id);
    CHECK(e.set_session(id, 0).error == tf::delivery::Error::invalid_event_id);
  }
}

TEST_CASE("status classes answer as the table", "[rules]") {
  const json t = table();
  for (const auto& s : t["status"]["retryable"]) {
    CAPTURE(s.dump());
    CHECK(classify_status(s.get<int>()) == StatusClass::retry);
  }
  for (const auto& s : t["status"]["unknownEvent"]) {
    CAPTURE(s.dump());
    CHECK(classify_status(s.get<int>()) == StatusClass::unknown_event);
  }
  for (const auto& s : t["status"]["final"]) {
    CAPTURE(s.dump());
    const auto c = classify_status(s.get<int>());
    const int status = s.get<int>();
    CHECK(c == (status >= 200 && status <= 299 ? StatusClass::delivered : StatusClass::reject));
  }
}
