// Capture cost of the C++ core, without JavaScript: ns per capture for the
// path every enrichSpan/enrichSession takes (tf::ClientCore::capture), and
// for its steps one by one, over the bench's feedback (bench/capture.mjs
// FEEDBACK with copy_count 1..7, as bench/capture-node.mjs sends it) and 50
// target ids, with delivery running as bench/capture-node.mjs lets it:
// every 10 batches of 50 captures (where the Node bench yields to its event
// loop) the requests taken last time are answered 200 and take_ready(tick)
// runs, so updates are in flight while later captures merge.
//   build/native/bench/native/tf_capture_bench [captures=60000] [row...]
//   bash bench/native/wasm.sh [captures] [row...]   # the shipped -Oz core, in Node
// Prints one JSON line per row: median and p99 of CPU ns per capture over
// batches of 50 (first 20 batches skipped: warm-up; CPU time, because on a
// shared, loaded machine wall time mostly measures the other processes),
// the wall-clock median beside it, and the delivery time per capture kept
// apart. A figure, never an assertion.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <emscripten/em_macros.h>  // EMSCRIPTEN_KEEPALIVE, which em_js.h uses
#include <emscripten/em_js.h>
// Node's CPU time of the process (µs): wasm has no thread CPU clock.
EM_JS(double, tf_bench_cpu_us, (), {
  var u = process.cpuUsage();
  return u.user + u.system;
});
#endif

#include "client/client_core.hpp"
#include "delivery/engine.hpp"
#include "feedback/validate.hpp"

// The one-pass rows need parse_and_validate_feedback: the build defines
// TF_BENCH_ONE_PASS; without it the same source builds against an older
// core (before/after figures).

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kBatch = 50;
constexpr int kWarmBatches = 20;

std::vector<std::string> make_ids(int n) {
  // Deterministic canonical UUIDs (the core accepts only those).
  std::vector<std::string> out;
  std::uint64_t x = 7;
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < n; ++i) {
    std::string id;
    for (int k = 0; k < 36; ++k) {
      if (k == 8 || k == 13 || k == 18 || k == 23) {
        id += '-';
        continue;
      }
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      id += hex[(x >> 60) & 15];
    }
    id[14] = '4';
    out.push_back(id);
  }
  return out;
}

std::vector<std::string> make_texts() {
  // JSON.stringify of { ...FEEDBACK, actions: { copied: true, copy_count: 1 + (n % 7) } }.
  std::vector<std::string> out;
  for (int c = 1; c <= 7; ++c) {
    out.push_back(
        "{\"rating\":true,\"score\":4,\"comment\":\"Clear and correct; the second example was "
        "exactly what I needed.\",\"actions\":{\"copied\":true,\"copy_count\":" +
        std::to_string(c) + "}}");
  }
  return out;
}

// Answers the previous batch's requests (200 for every update), then asks
// for the next ones: the page's loop, with one batch of latency.
struct Delivery {
  std::vector<tf::delivery::Request> in_flight;
  void run(tf::delivery::Engine& engine, std::int64_t now) {
    for (const auto& req : in_flight) {
      std::vector<tf::delivery::UpdateResult> results;
      for (const auto& u : req.updates) results.emplace_back(u.id, 200);
      engine.on_result(req.id, results, now);
    }
    in_flight = engine.take_ready(now, tf::delivery::FlushReason::tick);
  }
};

struct Figures {
  std::vector<double> per_call;  // CPU ns per capture, one per batch
  std::vector<double> wall;      // wall-clock ns per capture, one per batch
  double delivery_ns = 0;        // total, spread over all captures
  long long captures = 0;
  long long refused = 0;
  tf::delivery::Stats end;  // of the engine, after the last batch
};

double ns(Clock::duration d) { return std::chrono::duration<double, std::nano>(d).count(); }

double cpu_ns() {
#ifdef __EMSCRIPTEN__
  return tf_bench_cpu_us() * 1000.0;
#else
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
#endif
}

double median_of(std::vector<double> v, double p) {
  if (v.size() > kWarmBatches) v.erase(v.begin(), v.begin() + kWarmBatches);
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p / 100 * static_cast<double>(v.size()));
  return v[std::min(v.size() - 1, i)];
}

void print(const char* row, Figures& f) {
  std::printf(
      "{\"row\":\"%s\",\"captures\":%lld,\"medianCpuNs\":%.0f,\"p99CpuNs\":%.0f,\"medianWallNs\":%.0f,"
      "\"deliveryNsPerCapture\":%.0f,\"refused\":%lld,\"queuedAtEnd\":%zu,\"inFlightAtEnd\":%zu,"
      "\"sent\":%llu}\n",
      row, f.captures, median_of(f.per_call, 50), median_of(f.per_call, 99), median_of(f.wall, 50),
      f.captures ? f.delivery_ns / static_cast<double>(f.captures) : 0.0, f.refused, f.end.queued,
      f.end.in_flight, static_cast<unsigned long long>(f.end.sent));
  std::fflush(stdout);
}

// Runs `one(index)` over batches with delivery in between; `engine` is the
// engine the captures land in (nullptr: no delivery, e.g. parse alone).
template <typename One>
Figures run(long long captures, tf::delivery::Engine* engine, One one) {
  Figures f;
  Delivery d;
  std::int64_t now = 1'000'000;
  for (long long b = 0; b * kBatch < captures; ++b) {
    const auto t0 = Clock::now();
    const double c0 = cpu_ns();
    for (int i = 0; i < kBatch; ++i) {
      if (!one(b * kBatch + i, static_cast<double>(now))) ++f.refused;
    }
    const double c1 = cpu_ns();
    const auto t1 = Clock::now();
    f.per_call.push_back((c1 - c0) / kBatch);
    f.wall.push_back(ns(t1 - t0) / kBatch);
    f.captures += kBatch;
    now += 4;  // ~80 us per capture, as in Node today: a flush every few batches
    if (engine && b % 10 == 9) {
      d.run(*engine, now);
      f.delivery_ns += cpu_ns() - c1;
    }
  }
  if (engine) f.end = engine->stats();
  return f;
}

bool wanted(const std::vector<std::string>& rows, const char* row) {
  return rows.empty() || std::find(rows.begin(), rows.end(), row) != rows.end();
}

}  // namespace

int main(int argc, char** argv) {
  const long long captures = argc > 1 ? std::atoll(argv[1]) : 60000;
  std::vector<std::string> rows(argv + std::min(argc, 2), argv + argc);
  const auto ids = make_ids(50);
  const auto texts = make_texts();
  const tf::Limits limits;
  auto id_of = [&](long long n) -> const std::string& { return ids[static_cast<std::size_t>(n % 50)]; };
  auto text_of = [&](long long n) -> const std::string& { return texts[static_cast<std::size_t>(n % 7)]; };

  if (wanted(rows, "client_capture")) {
    // What the binding runs: ClientCore::capture, its envelope included.
    tf::ClientCore core("");
    auto f = run(captures, &core.engine().engine(), [&](long long n, double now) {
      const std::string out = core.capture(id_of(n), text_of(n), now);
      return !out.empty() && out[0] == '+';  // the envelope's ok tag (src/client/envelope.hpp)
    });
    print("client_capture", f);
  }
  if (wanted(rows, "result_text")) {
    // The success answer ClientCore::capture built before the envelope (an
    // initializer-list json, then dump()), alone: what the compact receipt saves.
    const tf::delivery::EnqueueResult r{tf::delivery::Error::none, "", "tf-123", ids[0], true, false};
    auto f = run(captures, nullptr, [&](long long, double) {
      const std::string out = nlohmann::json{{"ok", true},
                                             {"updateId", r.update_id},
                                             {"eventId", r.event_id ? nlohmann::json(*r.event_id) : nlohmann::json()},
                                             {"merged", r.merged},
                                             {"waitingForSession", r.waiting_for_session}}
                                  .dump();
      return !out.empty();
    });
    print("result_text", f);
  }
  if (wanted(rows, "parse")) {
    auto f = run(captures, nullptr, [&](long long n, double) {
      tf::Issues issues;
      const auto v = tf::parse_feedback_text(text_of(n), limits, issues);
      return issues.empty() && v.is_object();
    });
    print("parse", f);
  }
  if (wanted(rows, "validate")) {
    std::vector<nlohmann::json> parsed;
    for (const auto& t : texts) {
      tf::Issues issues;
      parsed.push_back(tf::parse_feedback_text(t, limits, issues));
    }
    auto f = run(captures, nullptr, [&](long long n, double) {
      return tf::validate_feedback(parsed[static_cast<std::size_t>(n % 7)], limits).empty();
    });
    print("validate", f);
  }
  if (wanted(rows, "parse_validate_enqueue")) {
    // parse + validate + enqueue(const json&): today's steps of capture,
    // without the result text.
    tf::delivery::Engine engine{tf::delivery::Config{}};
    auto f = run(captures, &engine, [&](long long n, double now) {
      tf::Issues issues;
      const auto v = tf::parse_feedback_text(text_of(n), limits, issues);
      if (issues.empty()) issues = tf::validate_feedback(v, limits);
      if (!issues.empty()) return false;
      const auto r = engine.enqueue(id_of(n), v, static_cast<std::int64_t>(now));
      return r.error == tf::delivery::Error::none;
    });
    print("parse_validate_enqueue", f);
  }
  if (wanted(rows, "parse_validate_enqueue_move")) {
    // The same steps, the parsed value moved into the queue (enqueue(json&&)).
    tf::delivery::Engine engine{tf::delivery::Config{}};
    auto f = run(captures, &engine, [&](long long n, double now) {
      tf::Issues issues;
      auto v = tf::parse_feedback_text(text_of(n), limits, issues);
      if (issues.empty()) issues = tf::validate_feedback(v, limits);
      if (!issues.empty()) return false;
      const auto r = engine.enqueue(id_of(n), std::move(v), static_cast<std::int64_t>(now));
      return r.error == tf::delivery::Error::none;
    });
    print("parse_validate_enqueue_move", f);
  }
#ifdef TF_BENCH_ONE_PASS
  if (wanted(rows, "one_pass")) {
    auto f = run(captures, nullptr, [&](long long n, double) {
      tf::Issues issues;
      const auto v = tf::parse_and_validate_feedback(text_of(n), limits, issues);
      return issues.empty() && v.is_object();
    });
    print("one_pass", f);
  }
  if (wanted(rows, "one_pass_enqueue_move")) {
    // The path the boundary's capture is meant to take: one pass, then move.
    tf::delivery::Engine engine{tf::delivery::Config{}};
    auto f = run(captures, &engine, [&](long long n, double now) {
      tf::Issues issues;
      auto v = tf::parse_and_validate_feedback(text_of(n), limits, issues);
      if (!issues.empty()) return false;
      const auto r = engine.enqueue(id_of(n), std::move(v), static_cast<std::int64_t>(now));
      return r.error == tf::delivery::Error::none;
    });
    print("one_pass_enqueue_move", f);
  }
#endif
  if (wanted(rows, "enqueue")) {
    // enqueue(const json&) alone, the feedback parsed beforehand.
    std::vector<nlohmann::json> parsed;
    for (const auto& t : texts) {
      tf::Issues issues;
      parsed.push_back(tf::parse_feedback_text(t, limits, issues));
    }
    tf::delivery::Engine engine{tf::delivery::Config{}};
    auto f = run(captures, &engine, [&](long long n, double now) {
      const auto r = engine.enqueue(id_of(n), parsed[static_cast<std::size_t>(n % 7)],
                                    static_cast<std::int64_t>(now));
      return r.error == tf::delivery::Error::none;
    });
    print("enqueue", f);
  }
  return 0;
}
