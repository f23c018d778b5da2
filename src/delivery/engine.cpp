// Queueing and merging rules of the delivery engine (sending and
// outcomes are in engine_send.cpp, persistence in engine_snapshot.cpp).
//
// Invariants kept by every method:
//   - per target, updates leave in queue order and at most one is in
//     flight; an in-flight update is always the first of its target;
//   - an update sent once is never merged into (its id and content are
//     what the proxy deduplicates on);
//   - every queued update fits alone in a request (max_update_bytes()).
#include "delivery/engine.hpp"
#include "feedback/size.hpp"
#include "feedback/text.hpp"

#include <algorithm>
#include <utility>

#include "delivery/json_read.hpp"
#include "feedback/merge.hpp"
#include "feedback/validate.hpp"

namespace tf::delivery {

namespace {

// Serialized size of {"id":..,"event_id":..,"feedback":..} from the
// feedback's own serialized size, without building (copying) that object.
std::size_t bytes_of(const std::string& id, std::string_view event_id,
                     std::size_t feedback_bytes) {
  // While the session is unknown, count the longest id it may get, so
  // retargeting can only shrink an update and never push it over a cap.
  const std::size_t target = event_id.empty() ? kMaxEventIdBytes + 2 : tf::serialized_size(event_id);
  constexpr std::size_t kFixed = 31;  // {"id": ,"event_id": ,"feedback": }
  return kFixed + tf::serialized_size(id) + target + feedback_bytes;
}

std::size_t bytes_of(const std::string& id, std::string_view event_id,
                     const nlohmann::json& feedback) {
  // Counted, not dumped: this runs on every capture.
  return bytes_of(id, event_id, tf::serialized_size(feedback));
}

bool never_sent(int attempts, const std::string& request_id) {
  return attempts == 0 && request_id.empty();
}

}  // namespace

// The same rule as validation (one rule, pinned by tests/rules/table.json):
// HoneyHive event and session ids are canonical UUIDs.
bool valid_event_id(std::string_view id) { return tf::is_uuid(id); }

Engine::Engine(Config config) : config_(clamp_config(std::move(config))) {
  s_.rng = Rng(config_.seed);
}

std::size_t Engine::max_update_bytes() const {
  // One update must fit in a request, and a request in the hidden budget.
  return std::min({config_.max_update_bytes, config_.max_request_bytes - kRequestOverheadBytes,
                   config_.hidden_budget_bytes - kRequestOverheadBytes});
}

std::size_t Engine::entry_bytes(const Entry& e) const {
  return bytes_of(e.id, e.event_id, e.feedback);
}

void Engine::push_dead_letter(State& st, DeadLetter d) const {
  st.dead_letters.push_back(std::move(d));
  while (st.dead_letters.size() > config_.max_dead_letters) {
    // Keep the newest: the oldest are the likeliest to be stale already.
    st.dead_letters.erase(st.dead_letters.begin());
    ++st.counters.dead_letters_evicted;
  }
}

void Engine::dead_letter(Entry e, std::string reason) {
  DeadLetter d;
  d.id = std::move(e.id);
  d.event_id = std::move(e.event_id);
  d.feedback = std::move(e.feedback);
  d.status = e.last_status;
  d.reason = std::move(reason);
  d.attempts = e.attempts;
  d.cause = std::move(e.last_cause);
  ++s_.counters.dead_lettered;
  push_dead_letter(s_, std::move(d));
}

int64_t Engine::peek(int64_t wall) const {
  if (!clock_started_) return wall;
  return clock_now_ + std::clamp<int64_t>(wall - clock_wall_, 0, kMaxClockStepMs);
}

int64_t Engine::advance(int64_t wall) const {
  clock_now_ = peek(wall);
  clock_wall_ = wall;
  clock_started_ = true;
  return clock_now_;
}

bool Engine::refuse_target(std::string_view event_id, EnqueueResult& r) const {
  if (!event_id.empty() && !valid_event_id(event_id)) {
    r.error = Error::invalid_event_id;
    r.message = "event_id: expected a UUID (8-4-4-4-12 hex digits)";
    return true;
  }
  return false;
}

bool Engine::refuse_input(std::string_view event_id, const nlohmann::json& feedback,
                          EnqueueResult& r) const {
  if (refuse_target(event_id, r)) return true;
  if (!feedback.is_object() || !depth_within(feedback, kMaxFeedbackDepth)) {
    r.error = Error::invalid_feedback;
    r.message = "feedback: an object nested at most 32 deep";
    return true;
  }
  return false;
}

EnqueueResult Engine::enqueue(std::string_view event_id, const nlohmann::json& feedback,
                              int64_t wall) {
  const int64_t now = advance(wall);
  EnqueueResult r;
  // Checked before the copy: nlohmann's copy recurses, so nothing deeper
  // than kMaxFeedbackDepth is ever copied. The copy is the one the queue
  // keeps (or merges from).
  if (refuse_input(event_id, feedback, r)) return r;
  return enqueue_valid(event_id, nlohmann::json(feedback), now);
}

EnqueueResult Engine::enqueue(std::string_view event_id, nlohmann::json&& feedback, int64_t wall) {
  const int64_t now = advance(wall);
  EnqueueResult r;
  if (refuse_input(event_id, feedback, r)) return r;
  return enqueue_valid(event_id, std::move(feedback), now);
}

EnqueueResult Engine::enqueue_validated(std::string_view event_id, nlohmann::json&& feedback,
                                        int64_t wall) {
  const int64_t now = advance(wall);
  EnqueueResult r;
  if (refuse_target(event_id, r)) return r;
  if (!feedback.is_object()) return enqueue(event_id, std::move(feedback), wall);  // refused there
  return enqueue_valid(event_id, std::move(feedback), now);
}

EnqueueResult Engine::enqueue_valid(std::string_view event_id, nlohmann::json&& feedback,
                                    int64_t now) {
  EnqueueResult r;
  const std::string_view target =
      !event_id.empty() ? event_id
                        : (s_.session_id ? std::string_view(*s_.session_id) : std::string_view());
  auto refuse = [&](Error e, std::string message) {
    ++s_.counters.dropped;
    r.error = e;
    r.message = std::move(message);
    return r;
  };
  auto fill = [&](const Entry& e, bool merged) {
    r.update_id = e.id;
    if (!e.event_id.empty()) r.event_id = e.event_id;
    r.waiting_for_session = e.event_id.empty();
    r.merged = merged;
    return r;
  };
  // Measured once: bounds an in-place merge, and is the size of a new update.
  const std::size_t feedback_bytes = tf::serialized_size(feedback);

  // Only the last update of the target may take a merge: merging into an
  // earlier one would reorder this feedback before a later update's.
  for (auto it = s_.queue.rbegin(); it != s_.queue.rend(); ++it) {
    if (it->event_id != target) continue;
    if (!never_sent(it->attempts, it->request_id)) break;
    // Merge barrier: a change object <-> non-object starts a new update.
    if (merge_changes_shape(it->feedback, feedback)) break;
    // A merge is never larger than its two parts (merge.hpp): when even
    // that bound is within every cap, merge in place (no copy of the
    // queued update) and take the exact size the merge counted.
    const std::size_t bound = it->bytes + feedback_bytes;
    if (bound <= max_update_bytes() && s_.queued_bytes - it->bytes + bound <= config_.max_queue_bytes) {
      const std::ptrdiff_t delta = merge_feedback(it->feedback, std::move(feedback));
      const std::size_t bytes = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(it->bytes) + delta);
      s_.queued_bytes = s_.queued_bytes - it->bytes + bytes;
      it->bytes = bytes;
      return fill(*it, true);
    }
    // Near a cap: merge a copy and decide on its exact size, so a refusal
    // leaves the queued update as it was.
    nlohmann::json merged = it->feedback;
    merge_feedback(merged, feedback);
    const std::size_t bytes = bytes_of(it->id, it->event_id, merged);
    if (bytes > max_update_bytes()) break;  // too big together: a new update follows
    const std::size_t total = s_.queued_bytes - it->bytes + bytes;
    if (total > config_.max_queue_bytes)
      return refuse(Error::queue_full, "max_queue_bytes reached");
    s_.queued_bytes = total;
    it->feedback = std::move(merged);
    it->bytes = bytes;
    return fill(*it, true);
  }

  Entry e;
  e.id = config_.client_id + "-" + decimal(s_.next_update);
  e.bytes = bytes_of(e.id, target, feedback_bytes);
  if (e.bytes > max_update_bytes()) {
    return refuse(Error::update_too_large, "update of " + decimal(e.bytes) +
                                               " bytes exceeds " +
                                               decimal(max_update_bytes()));
  }
  if (s_.queue.size() + 1 > config_.max_queue_updates) {
    return refuse(Error::queue_full, "max_queue_updates reached");
  }
  if (s_.queued_bytes + e.bytes > config_.max_queue_bytes) {
    return refuse(Error::queue_full, "max_queue_bytes reached");
  }
  e.event_id = std::string(target);
  e.feedback = std::move(feedback);
  e.first_enqueued_ms = now;
  e.next_attempt_ms = now;
  ++s_.next_update;
  s_.queued_bytes += e.bytes;
  s_.queue.push_back(std::move(e));
  return fill(s_.queue.back(), false);
}

SessionResult Engine::set_session(std::string_view session_id, int64_t /*now*/) {
  SessionResult r;
  if (!valid_event_id(session_id)) {
    r.error = Error::invalid_event_id;
    return r;
  }
  const std::string sid(session_id);
  s_.session_id = sid;
  for (auto& e : s_.queue) {
    if (!e.event_id.empty()) continue;
    e.event_id = sid;
    const std::size_t bytes = entry_bytes(e);
    s_.queued_bytes = s_.queued_bytes - e.bytes + bytes;
    e.bytes = bytes;
    r.retargeted.push_back(e.id);
  }
  if (r.retargeted.empty()) return r;

  // Fold never-sent updates that are now neighbours for the session, as
  // if they had been enqueued for it from the start. The earlier one keeps
  // its id; the later id is reported so the app can follow it.
  std::vector<Entry> kept;
  kept.reserve(s_.queue.size());
  std::optional<std::size_t> prev;
  for (auto& e : s_.queue) {
    if (e.event_id != sid) {
      kept.push_back(std::move(e));
      continue;
    }
    if (prev) {
      Entry& p = kept[*prev];
      if (never_sent(p.attempts, p.request_id) && never_sent(e.attempts, e.request_id) &&
          !merge_changes_shape(p.feedback, e.feedback)) {
        nlohmann::json merged = p.feedback;
        merge_feedback(merged, e.feedback);
        const std::size_t bytes = bytes_of(p.id, p.event_id, merged);
        if (bytes <= max_update_bytes()) {
          s_.queued_bytes = s_.queued_bytes - p.bytes - e.bytes + bytes;
          p.feedback = std::move(merged);
          p.bytes = bytes;
          p.first_enqueued_ms = std::min(p.first_enqueued_ms, e.first_enqueued_ms);
          r.merged.emplace_back(e.id, p.id);
          continue;
        }
      }
    }
    kept.push_back(std::move(e));
    prev = kept.size() - 1;
  }
  s_.queue = std::move(kept);
  return r;
}

void Engine::expire(int64_t now) {
  std::vector<Entry> kept;
  kept.reserve(s_.queue.size());
  for (auto& e : s_.queue) {
    // In-flight updates are judged when their result arrives.
    if (e.request_id.empty() && now - e.first_enqueued_ms >= config_.max_age_ms) {
      s_.queued_bytes -= e.bytes;
      dead_letter(std::move(e), "max_age");
    } else {
      kept.push_back(std::move(e));
    }
  }
  s_.queue = std::move(kept);
}

Stats Engine::stats() const {
  Stats st = s_.counters;
  st.queued = st.in_flight = st.waiting_for_session = 0;
  for (const auto& e : s_.queue) {
    if (!e.request_id.empty()) {
      ++st.in_flight;
    } else {
      ++st.queued;
    }
    if (e.event_id.empty()) ++st.waiting_for_session;
  }
  return st;
}

nlohmann::json Engine::pending() const {
  auto out = nlohmann::json::array();
  for (const auto& e : s_.queue) {
    if (!e.request_id.empty()) continue;
    out.push_back({{"id", e.id},
                   {"event_id", e.event_id.empty() ? nlohmann::json() : nlohmann::json(e.event_id)},
                   {"feedback", e.feedback},
                   {"attempts", e.attempts}});
  }
  return out;
}

std::vector<DeadLetter> Engine::take_dead_letters() {
  std::vector<DeadLetter> out;
  out.swap(s_.dead_letters);
  return out;
}

}  // namespace tf::delivery
