// Snapshot, restore and absorb: the engine's state as versioned JSON.
//
// Format (version 1), snake_case like the wire format:
//   {"format":"trace-feedback-queue","version":1,
//    "client_id":"tab-a","next_update":7,"next_request":3,
//    "session_id":"…"|null,"seed":N,"written_ms":N,"rng":"<16 hex digits>",
//    "updates":[{"id","event_id"|null,"feedback","attempts",
//                "first_enqueued_ms","next_attempt_ms",
//                "retry_after_until_ms","last_status","last_cause"?,"in_flight"}],
//    "dead_letters":[{"id","event_id"|null,"feedback","status","reason","attempts","cause"?}],
//    "stats":{"sent","retried","dropped","dead_lettered","dead_letters_evicted",
//             "queued","in_flight","waiting_for_session"}}
// A snapshot is read as hostile input (it comes back from storage another
// tab or version may have written): every field is type- and range-checked
// and the state is built aside, so a refused snapshot changes nothing.
// Unknown extra keys are ignored, so version 1 can grow optional fields.
#include <algorithm>
#include <cstdio>
#include <set>

#include "delivery/engine.hpp"
#include "feedback/size.hpp"
#include "feedback/text.hpp"
#include "delivery/json_read.hpp"

namespace tf::delivery {

namespace {

constexpr const char* kFormat = "trace-feedback-queue";
constexpr int64_t kVersion = 1;
constexpr int64_t kMaxTime = 100'000'000'000'000;  // epoch ms, year ~5100
constexpr int64_t kMaxStoredAttempts = 1'000'000;
constexpr std::size_t kMaxIdBytes = 200;
constexpr std::size_t kMaxReasonBytes = 64;

// Update ids are <client_id>-<counter>; anything else is not ours.
bool valid_update_id(const nlohmann::json& j) {
  if (!j.is_string()) return false;
  const auto& s = j.get_ref<const std::string&>();
  if (s.empty() || s.size() > kMaxIdBytes) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// The rng state as hex text: JSON numbers above 2^53 would not survive a
// JSON.parse/JSON.stringify round trip on the JS side.
std::string to_hex(uint64_t v) {
  // By hand: snprintf would pull printf into the wasm module.
  static const char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kDigits[v & 0xF];
  return out;
}

std::optional<uint64_t> from_hex(const nlohmann::json& j) {
  if (!j.is_string()) return std::nullopt;
  const auto& s = j.get_ref<const std::string&>();
  if (s.size() != 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

// The counter after the highest "<prefix>-<n>" in `ids`, at least `floor`.
uint64_t counter_after(const std::string& prefix, const std::vector<const std::string*>& ids,
                       uint64_t floor) {
  uint64_t next = floor;
  for (const auto* id : ids) {
    if (id->size() <= prefix.size() + 1 || id->compare(0, prefix.size(), prefix) != 0 ||
        (*id)[prefix.size()] != '-') {
      continue;
    }
    uint64_t n = 0;
    bool digits = true;
    for (std::size_t i = prefix.size() + 1; i < id->size() && digits; ++i) {
      const char c = (*id)[i];
      digits = c >= '0' && c <= '9' && n < (uint64_t{1} << 53);
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    if (digits) next = std::max(next, n + 1);
  }
  return next;
}

// Optional (older snapshots lack it); cut to kMaxCauseBytes.
bool read_cause(const nlohmann::json* j, std::string& to) {
  if (j == nullptr || j->is_null()) return true;
  if (!j->is_string()) return false;
  to = bounded_cause(j->get_ref<const std::string&>());
  return true;
}

}  // namespace

namespace {

// Writes one JSON object member by member into a string. The snapshot is
// the largest text the core builds (every queued update): written here
// directly, in the key order nlohmann's std::map objects dump in, instead
// of first copying the whole queue into a DOM and dumping that (which
// doubled the wasm heap's peak: the DOM copy, then the text growing by
// doubling, then the envelope's copy of it).
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectWriter() { out_ += '}'; }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  // `key` is a literal of plain ASCII: no escaping needed.
  std::string& key(const char* key) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += key;
    out_ += "\":";
    return out_;
  }
  void value(const char* k, const nlohmann::json& v) { append_dump(key(k), v); }
  void text(const char* k, const std::string& v) { append_dump(key(k), nlohmann::json(v)); }
  void id_or_null(const char* k, const std::string& v) {
    if (v.empty()) key(k) += "null";
    else text(k, v);
  }
  void integer(const char* k, int64_t v) { key(k) += decimal(v); }
  void integer(const char* k, uint64_t v) { key(k) += decimal(v); }
  void boolean(const char* k, bool v) { key(k) += v ? "true" : "false"; }
  // [ {…}, … ]: one object per item, its members written by `members`.
  template <typename Items, typename Members>
  void objects(const char* k, const Items& items, Members members) {
    std::string& list = key(k);
    list += '[';
    bool first = true;
    for (const auto& item : items) {
      if (!first) list += ',';
      first = false;
      ObjectWriter w(list);
      members(w, item);
    }
    list += ']';
  }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace

void Engine::write_snapshot(std::string& out) const {
  // Engine time → the caller's clock of the last call: a snapshot crosses
  // page loads, where only the caller's (epoch-like) clock means anything.
  const int64_t offset = clock_started_ ? clock_wall_ - clock_now_ : 0;
  auto wall = [&](int64_t t) { return std::max<int64_t>(0, t + offset); };
  // One allocation in the common case: each update's counted bytes plus
  // its other members (about 200 bytes), the dead letters alike.
  std::size_t estimate = 512 + out.size();
  for (const auto& e : s_.queue) estimate += e.bytes + 200;
  for (const auto& d : s_.dead_letters) estimate += serialized_size(d.feedback) + 300;
  out.reserve(estimate);

  const Stats st = stats();
  ObjectWriter snap(out);
  snap.text("client_id", config_.client_id);
  snap.objects("dead_letters", s_.dead_letters, [](ObjectWriter& w, const DeadLetter& d) {
    w.integer("attempts", static_cast<int64_t>(d.attempts));
    w.text("cause", d.cause);
    w.id_or_null("event_id", d.event_id);
    w.value("feedback", d.feedback);
    w.text("id", d.id);
    w.text("reason", d.reason);
    w.integer("status", static_cast<int64_t>(d.status));
  });
  snap.text("format", kFormat);
  snap.integer("next_request", s_.next_request);
  snap.integer("next_update", s_.next_update);
  snap.text("rng", to_hex(s_.rng.state()));
  snap.integer("seed", config_.seed);
  snap.id_or_null("session_id", s_.session_id ? *s_.session_id : std::string());
  {
    ObjectWriter w(snap.key("stats"));
    w.integer("dead_lettered", st.dead_lettered);
    w.integer("dead_letters_evicted", st.dead_letters_evicted);
    w.integer("dropped", st.dropped);
    w.integer("in_flight", static_cast<uint64_t>(st.in_flight));
    w.integer("queued", static_cast<uint64_t>(st.queued));
    w.integer("retried", st.retried);
    w.integer("sent", st.sent);
    w.integer("waiting_for_session", static_cast<uint64_t>(st.waiting_for_session));
  }
  snap.objects("updates", s_.queue, [&](ObjectWriter& w, const Entry& e) {
    w.integer("attempts", static_cast<int64_t>(e.attempts));
    w.id_or_null("event_id", e.event_id);
    w.value("feedback", e.feedback);
    w.integer("first_enqueued_ms", wall(e.first_enqueued_ms));
    w.text("id", e.id);
    w.boolean("in_flight", !e.request_id.empty());
    w.text("last_cause", e.last_cause);
    w.integer("last_status", static_cast<int64_t>(e.last_status));
    w.integer("next_attempt_ms", wall(e.next_attempt_ms));
    w.integer("retry_after_until_ms", e.retry_after_until_ms > 0 ? wall(e.retry_after_until_ms) : int64_t{0});
  });
  snap.integer("version", kVersion);
  snap.integer("written_ms", clock_started_ ? clock_wall_ : int64_t{0});
}

std::string Engine::snapshot_text() const {
  std::string out;
  write_snapshot(out);
  return out;
}

nlohmann::json Engine::snapshot() const {
  // The text is the one writer of the format; the DOM is read back from it
  // (tests and C++ callers that inspect fields).
  auto parsed = parse_bounded(snapshot_text());
  return parsed ? std::move(*parsed) : nlohmann::json();
}

LoadResult Engine::parse_snapshot(const nlohmann::json& snap, int64_t now, int64_t engine_now,
                                  State& out) const {
  LoadResult res;
  auto fail = [&](std::string message) {
    res.error = Error::invalid_snapshot;
    res.message = std::move(message);
    return res;
  };
  auto integer = [](const nlohmann::json* j, int64_t lo, int64_t hi) -> std::optional<int64_t> {
    return j ? as_integer(*j, lo, hi) : std::nullopt;
  };
  auto event_id = [](const nlohmann::json* j, std::string& to) {
    if (j == nullptr || j->is_null()) return true;  // absent or null: no target
    if (!j->is_string() || !valid_event_id(j->get_ref<const std::string&>())) return false;
    to = j->get_ref<const std::string&>();
    return true;
  };

  if (!snap.is_object()) return fail("not an object");
  const auto* format = member(snap, "format");
  if (format == nullptr || *format != kFormat) return fail("format: expected trace-feedback-queue");
  const auto version = integer(member(snap, "version"), 0, kMaxSafeInteger);
  if (!version) return fail("version: expected an integer");
  if (*version != kVersion) {
    res.error = Error::unsupported_version;
    res.message = "version " + decimal(*version) + " is not supported (expected 1)";
    return res;
  }
  // After the version check: a future version may nest differently.
  if (!depth_within(snap, kMaxFeedbackDepth + 4)) return fail("nested too deep");
  const auto* client = member(snap, "client_id");
  if (client == nullptr || !client->is_string()) return fail("client_id: expected a string");
  const auto next_update = integer(member(snap, "next_update"), 1, kMaxSafeInteger);
  const auto next_request = integer(member(snap, "next_request"), 1, kMaxSafeInteger);
  if (!next_update || !next_request)
    return fail("next_update/next_request: expected integers >= 1");
  std::string session;
  if (!event_id(member(snap, "session_id"), session)) return fail("session_id: invalid");
  const auto* rng_text = member(snap, "rng");
  const auto rng = rng_text ? from_hex(*rng_text) : std::nullopt;
  if (!rng) return fail("rng: expected 16 hex digits");
  // The seed the writer ran with: checked, but not adopted (see restore()).
  if (const auto* seed = member(snap, "seed")) {
    if (!as_integer(*seed, 0, kMaxSafeInteger)) return fail("seed: expected an integer 0..2^53-1");
  }
  const auto* updates = member(snap, "updates");
  const auto* dead = member(snap, "dead_letters");
  if (updates == nullptr || !updates->is_array()) return fail("updates: expected an array");
  if (dead == nullptr || !dead->is_array()) return fail("dead_letters: expected an array");

  State st;
  st.next_update = static_cast<uint64_t>(*next_update);
  st.next_request = static_cast<uint64_t>(*next_request);
  if (!session.empty()) st.session_id = session;
  st.rng = Rng(*rng);
  std::set<std::string> seen;

  for (std::size_t i = 0; i < dead->size(); ++i) {
    const auto& j = (*dead)[i];
    const std::string at = "dead_letters[" + decimal(i) + "]";
    DeadLetter d;
    const auto* id = member(j, "id");
    const auto* fb = member(j, "feedback");
    const auto* reason = member(j, "reason");
    const auto status = integer(member(j, "status"), 0, 999);
    const auto attempts = integer(member(j, "attempts"), 0, kMaxStoredAttempts);
    if (id == nullptr || !valid_update_id(*id)) return fail(at + ".id: invalid");
    if (!event_id(member(j, "event_id"), d.event_id)) return fail(at + ".event_id: invalid");
    if (fb == nullptr || !fb->is_object()) return fail(at + ".feedback: expected an object");
    if (reason == nullptr || !reason->is_string() ||
        reason->get_ref<const std::string&>().size() > kMaxReasonBytes) {
      return fail(at + ".reason: expected a short string");
    }
    if (!status || !attempts) return fail(at + ".status/attempts: out of range");
    if (!seen.insert(id->get_ref<const std::string&>()).second) return fail(at + ".id: duplicate");
    d.id = id->get_ref<const std::string&>();
    d.feedback = *fb;
    d.status = static_cast<int>(*status);
    d.reason = reason->get_ref<const std::string&>();
    d.attempts = static_cast<int>(*attempts);
    if (!read_cause(member(j, "cause"), d.cause)) return fail(at + ".cause: expected a string");
    push_dead_letter(st, std::move(d));
  }

  // A snapshot written by a clock ahead of ours (written_ms in our future)
  // is shifted back so it was written now: its delays keep their length
  // and its ages do not count the skew. Behind is normal: time passed.
  int64_t skew = 0;
  if (const auto* written = member(snap, "written_ms")) {
    const auto w = as_integer(*written, 0, kMaxTime);
    if (!w) return fail("written_ms: out of range");
    if (*w > now) skew = now - *w;
  }
  const int64_t latest_wait =
      now + std::max(config_.retry_max_delay_ms, config_.retry_after_max_ms);
  for (std::size_t i = 0; i < updates->size(); ++i) {
    const auto& j = (*updates)[i];
    const std::string at = "updates[" + decimal(i) + "]";
    Entry e;
    const auto* id = member(j, "id");
    const auto* fb = member(j, "feedback");
    const auto* in_flight = member(j, "in_flight");
    const auto attempts = integer(member(j, "attempts"), 0, kMaxStoredAttempts);
    const auto first = integer(member(j, "first_enqueued_ms"), 0, kMaxTime);
    const auto next = integer(member(j, "next_attempt_ms"), 0, kMaxTime);
    const auto until = integer(member(j, "retry_after_until_ms"), 0, kMaxTime);
    const auto status = integer(member(j, "last_status"), 0, 999);
    if (id == nullptr || !valid_update_id(*id)) return fail(at + ".id: invalid");
    if (!event_id(member(j, "event_id"), e.event_id)) return fail(at + ".event_id: invalid");
    if (fb == nullptr || !fb->is_object() || !depth_within(*fb, kMaxFeedbackDepth)) {
      return fail(at + ".feedback: expected an object");
    }
    if (in_flight == nullptr || !in_flight->is_boolean())
      return fail(at + ".in_flight: expected a boolean");
    if (!attempts || !first || !next || !until || !status)
      return fail(at + ": a number is out of range");
    if (!seen.insert(id->get_ref<const std::string&>()).second) return fail(at + ".id: duplicate");
    e.id = id->get_ref<const std::string&>();
    e.feedback = *fb;
    e.attempts = static_cast<int>(*attempts);
    e.first_enqueued_ms = std::min(*first + skew, now);  // a clock that went back
    e.next_attempt_ms = std::min(*next + skew, latest_wait);
    e.retry_after_until_ms = *until > 0 ? std::min(*until + skew, e.next_attempt_ms) : 0;
    e.last_status = static_cast<int>(*status);
    if (!read_cause(member(j, "last_cause"), e.last_cause)) {
      return fail(at + ".last_cause: expected a string");
    }
    if (in_flight->get<bool>()) {
      // Its outcome is unknown: it was sent, so it may not merge any more,
      // and it is due again now under the same id.
      e.attempts = std::max(e.attempts, 1);
      e.next_attempt_ms = now;
      e.retry_after_until_ms = 0;
    } else if (e.attempts == 0) {
      e.next_attempt_ms = e.first_enqueued_ms;
      e.retry_after_until_ms = 0;
    }
    if (e.event_id.empty() && st.session_id) e.event_id = *st.session_id;
    // Clamped on the caller's clock above (times from the future are now);
    // now onto this engine's timeline.
    const int64_t shift = engine_now - now;
    e.first_enqueued_ms += shift;
    e.next_attempt_ms += shift;
    if (e.retry_after_until_ms > 0) e.retry_after_until_ms = std::max<int64_t>(1, e.retry_after_until_ms + shift);
    e.bytes = entry_bytes(e);
    if (e.bytes > max_update_bytes()) {
      // Fits no request under this config; the app gets it back instead.
      ++st.counters.dead_lettered;
      push_dead_letter(st, DeadLetter{e.id, e.event_id, std::move(e.feedback), e.last_status,
                                      "too_large", e.attempts, e.last_cause});
      continue;
    }
    st.queued_bytes += e.bytes;
    st.queue.push_back(std::move(e));
  }

  if (const auto* stats = member(snap, "stats")) {
    if (!stats->is_object()) return fail("stats: expected an object");
    auto counter = [&](const char* key, uint64_t& to) {
      const auto* v = member(*stats, key);
      if (v == nullptr) return true;
      const auto n = as_integer(*v, 0, kMaxSafeInteger);
      if (n) to += static_cast<uint64_t>(*n);
      return n.has_value();
    };
    if (!counter("sent", st.counters.sent) || !counter("retried", st.counters.retried) ||
        !counter("dropped", st.counters.dropped) ||
        !counter("dead_lettered", st.counters.dead_lettered) ||
        !counter("dead_letters_evicted", st.counters.dead_letters_evicted)) {
      return fail("stats: counters must be non-negative integers");
    }
  }
  res.added = st.queue.size();
  out = std::move(st);
  return res;
}

LoadResult Engine::restore(const nlohmann::json& snap, int64_t now) {
  State st;
  LoadResult res = parse_snapshot(snap, now, peek(now), st);
  if (res.error != Error::none) return res;  // unchanged, clock included
  advance(now);
  // Never hand out an id or request id this engine or the snapshot used.
  std::vector<const std::string*> ids;
  for (const auto& e : st.queue) ids.push_back(&e.id);
  for (const auto& d : st.dead_letters) ids.push_back(&d.id);
  st.next_update = counter_after(config_.client_id, ids, std::max(st.next_update, s_.next_update));
  st.next_request = std::max(st.next_request, s_.next_request);
  // The live seed and its jitter sequence stay: adopting the snapshot's
  // would make every tab or page that restores the same snapshot retry in
  // lockstep again (issue 11.1).
  st.rng = s_.rng;
  s_ = std::move(st);
  return res;
}

LoadResult Engine::absorb(const nlohmann::json& snap, int64_t now) {
  State other;
  LoadResult res = parse_snapshot(snap, now, peek(now), other);
  if (res.error != Error::none) return res;  // unchanged, clock included
  advance(now);
  res.added = 0;
  std::set<std::string> held;
  for (const auto& e : s_.queue) held.insert(e.id);
  for (const auto& d : s_.dead_letters) held.insert(d.id);

  // Appended after ours: per target, our in-flight update stays first.
  // They keep their ids (the other tab may have reported them), so they
  // are not merged into ours.
  for (auto& e : other.queue) {
    if (!held.insert(e.id).second) {
      ++res.skipped;
      continue;
    }
    if (e.event_id.empty()) {
      // Session feedback of a tab that never learned its session: sending
      // it to our session would attach it to the wrong trace.
      dead_letter(std::move(e), "orphaned_session");
      continue;
    }
    s_.queued_bytes += e.bytes;
    s_.queue.push_back(std::move(e));
    ++res.added;
  }
  for (auto& d : other.dead_letters) {
    if (held.insert(d.id).second) push_dead_letter(s_, std::move(d));
  }
  std::vector<const std::string*> ids;
  for (const auto& e : s_.queue) ids.push_back(&e.id);
  for (const auto& d : s_.dead_letters) ids.push_back(&d.id);
  s_.next_update = counter_after(config_.client_id, ids, s_.next_update);
  return res;
}

}  // namespace tf::delivery
