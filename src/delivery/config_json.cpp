// camelCase JSON → Config, with every problem reported; see config_json.hpp.
#include "delivery/config_json.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "delivery/json_read.hpp"

namespace tf::delivery {

namespace {

void report(ParsedConfig& p, std::string path, std::string message) {
  p.errors.push_back({{"path", std::move(path)}, {"message", std::move(message)}});
}

// "max_request_bytes: ..." → "maxRequestBytes", to name the JS key.
std::string camel(std::string_view snake) {
  std::string out;
  bool up = false;
  for (char c : snake) {
    if (c == '_') {
      up = true;
    } else {
      out += up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
      up = false;
    }
  }
  return out;
}

// Every key parse_config() knows, for "did you mean".
constexpr std::string_view kKnownKeys[] = {
    "clientId",          "flushAtUpdates",     "flushAtBytes",      "flushIntervalMs",
    "maxRequestUpdates", "maxRequestBytes",    "maxUpdateBytes",    "oneUpdatePerRequest",
    "maxInFlightRequests", "hiddenBudgetBytes", "retryBaseMs",      "retryMaxDelayMs",
    "retryAfterMaxMs",   "maxAttempts",        "maxAgeMs",          "unknownEventRetryMs",
    "jitter",            "seed",               "maxQueueUpdates",   "maxQueueBytes",
    "maxDeadLetters"};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive edit distance (a typo's case is rarely the point).
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string_view closest_key(std::string_view key) {
  std::string_view best = kKnownKeys[0];
  std::size_t best_d = distance(key, best);
  for (auto k : kKnownKeys) {
    const std::size_t d = distance(key, k);
    if (d < best_d) {
      best = k;
      best_d = d;
    }
  }
  return best;
}

}  // namespace

ParsedConfig parse_config(std::string_view text) {
  ParsedConfig p;
  Config& c = p.config;
  const auto parsed = parse_bounded(text.empty() ? std::string_view("{}") : text);
  if (!parsed || !parsed->is_object()) {
    report(p, "", "config: expected a JSON object");
    return p;
  }
  for (auto it = parsed->begin(); it != parsed->end(); ++it) {
    const std::string& key = it.key();
    const nlohmann::json& v = it.value();
    auto size = [&](std::size_t& to) {
      if (auto n = as_integer(v, 0, kMaxSafeInteger)) {
        to = static_cast<std::size_t>(*n);
      } else {
        report(p, key, "expected an integer from 0 to 2^53-1");
      }
    };
    auto ms = [&](int64_t& to) {
      if (auto n = as_integer(v, 0, kMaxSafeInteger)) {
        to = *n;
      } else {
        report(p, key, "expected an integer of milliseconds from 0 to 1e13");
      }
    };
    if (key == "clientId") {
      if (v.is_string()) {
        c.client_id = v.get<std::string>();
      } else {
        report(p, key, "expected a string");
      }
    } else if (key == "flushAtUpdates") {
      size(c.flush_at_updates);
    } else if (key == "flushAtBytes") {
      size(c.flush_at_bytes);
    } else if (key == "flushIntervalMs") {
      ms(c.flush_interval_ms);
    } else if (key == "maxRequestUpdates") {
      size(c.max_request_updates);
    } else if (key == "maxRequestBytes") {
      size(c.max_request_bytes);
    } else if (key == "maxUpdateBytes") {
      size(c.max_update_bytes);
    } else if (key == "oneUpdatePerRequest") {
      if (v.is_boolean()) {
        c.one_update_per_request = v.get<bool>();
      } else {
        report(p, key, "expected a boolean");
      }
    } else if (key == "maxInFlightRequests") {
      size(c.max_in_flight_requests);
    } else if (key == "hiddenBudgetBytes") {
      size(c.hidden_budget_bytes);
    } else if (key == "retryBaseMs") {
      ms(c.retry_base_ms);
    } else if (key == "retryMaxDelayMs") {
      ms(c.retry_max_delay_ms);
    } else if (key == "retryAfterMaxMs") {
      ms(c.retry_after_max_ms);
    } else if (key == "maxAttempts") {
      if (auto n = as_integer(v, 1, 1'000'000)) {
        c.max_attempts = static_cast<int>(*n);
      } else {
        report(p, key, "expected an integer from 1 to 1000000");
      }
    } else if (key == "maxAgeMs") {
      ms(c.max_age_ms);
    } else if (key == "unknownEventRetryMs") {
      ms(c.unknown_event_retry_ms);
    } else if (key == "jitter") {
      if (v.is_number()) {
        c.jitter = v.get<double>();
      } else {
        report(p, key, "expected a number from 0 to 1");
      }
    } else if (key == "seed") {
      if (auto n = as_integer(v, 0, kMaxSafeInteger)) {
        c.seed = static_cast<uint64_t>(*n);
      } else {
        report(p, key, "expected an integer from 0 to 2^53-1");
      }
    } else if (key == "maxQueueUpdates") {
      size(c.max_queue_updates);
    } else if (key == "maxQueueBytes") {
      size(c.max_queue_bytes);
    } else if (key == "maxDeadLetters") {
      size(c.max_dead_letters);
    } else {
      report(p, key, "unknown key (did you mean " + std::string(closest_key(key)) + "?)");
    }
  }
  // Range rules between fields, once the types are right.
  if (p.errors.empty()) {
    const std::string problem = config_problem(c);
    if (!problem.empty()) {
      const auto colon = problem.find(':');
      std::string message = problem.substr(colon + 2);
      // Ranges that name another field name it as the JS key too.
      const auto other = message.find("retry_base_ms");
      if (other != std::string::npos) message.replace(other, 13, "retryBaseMs");
      report(p, camel(problem.substr(0, colon)), message);
    }
  }
  return p;
}

}  // namespace tf::delivery
