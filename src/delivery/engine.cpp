// Queueing, merging, batching and retry rules of the delivery engine.
//
// Invariants kept by every method:
//   - per target, updates leave in queue order and at most one is in
//     flight; an in-flight update is always the first of its target;
//   - an update sent once is never merged into (its id and content are
//     what the proxy deduplicates on);
//   - every queued update fits alone in a request (max_update_bytes()).
#include "delivery/engine.hpp"

#include <algorithm>
#include <limits>
#include <unordered_set>
#include <utility>

#include "delivery/json_read.hpp"
#include "feedback/merge.hpp"

namespace tf::delivery {

namespace {

// Serialized size of {"id":..,"event_id":..,"feedback":..} without
// building (copying) that object: the feedback may be large.
std::size_t bytes_of(const std::string& id, const std::string& event_id,
                     const nlohmann::json& feedback) {
  // While the session is unknown, count the longest id it may get, so
  // retargeting can only shrink an update and never push it over a cap.
  const std::string target = event_id.empty() ? std::string(kMaxEventIdBytes, 'x') : event_id;
  constexpr std::size_t kFixed = 31;  // {"id": ,"event_id": ,"feedback": }
  return kFixed + dump_safe(nlohmann::json(id)).size() + dump_safe(nlohmann::json(target)).size() +
         dump_safe(feedback).size();
}

bool never_sent(int attempts, const std::string& request_id) {
  return attempts == 0 && request_id.empty();
}

}  // namespace

bool valid_event_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxEventIdBytes) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

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
  ++s_.counters.dead_lettered;
  push_dead_letter(s_, std::move(d));
}

EnqueueResult Engine::enqueue(std::string_view event_id, const nlohmann::json& feedback,
                              int64_t now) {
  EnqueueResult r;
  if (!event_id.empty() && !valid_event_id(event_id)) {
    r.error = Error::invalid_event_id;
    r.message = "event_id: 1 to 128 of letters, digits, '-', '_'";
    return r;
  }
  if (!feedback.is_object() || !depth_within(feedback, kMaxFeedbackDepth)) {
    r.error = Error::invalid_feedback;
    r.message = "feedback: an object nested at most 32 deep";
    return r;
  }
  const std::string target =
      event_id.empty() ? s_.session_id.value_or(std::string()) : std::string(event_id);
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

  // Only the last update of the target may take a merge: merging into an
  // earlier one would reorder this feedback before a later update's.
  for (auto it = s_.queue.rbegin(); it != s_.queue.rend(); ++it) {
    if (it->event_id != target) continue;
    if (!never_sent(it->attempts, it->request_id)) break;
    nlohmann::json merged = it->feedback;
    merge_feedback(merged, feedback);
    const std::size_t bytes = bytes_of(it->id, it->event_id, merged);
    if (bytes > max_update_bytes()) break;  // too big together: a new update follows
    const std::size_t total = s_.queued_bytes - it->bytes + bytes;
    if (total > config_.max_queue_bytes) return refuse(Error::queue_full, "max_queue_bytes reached");
    s_.queued_bytes = total;
    it->feedback = std::move(merged);
    it->bytes = bytes;
    return fill(*it, true);
  }

  Entry e;
  e.id = config_.client_id + "-" + std::to_string(s_.next_update);
  e.event_id = target;
  e.feedback = feedback;
  e.first_enqueued_ms = now;
  e.next_attempt_ms = now;
  e.bytes = entry_bytes(e);
  if (e.bytes > max_update_bytes()) {
    return refuse(Error::update_too_large,
                  "update of " + std::to_string(e.bytes) + " bytes exceeds " +
                      std::to_string(max_update_bytes()));
  }
  if (s_.queue.size() + 1 > config_.max_queue_updates) {
    return refuse(Error::queue_full, "max_queue_updates reached");
  }
  if (s_.queued_bytes + e.bytes > config_.max_queue_bytes) {
    return refuse(Error::queue_full, "max_queue_bytes reached");
  }
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
      if (never_sent(p.attempts, p.request_id) && never_sent(e.attempts, e.request_id)) {
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

std::vector<std::size_t> Engine::heads() const {
  // The first update of each known target, unless it is in flight: later
  // updates of a target wait for the earlier one to complete.
  std::vector<std::size_t> out;
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < s_.queue.size(); ++i) {
    const Entry& e = s_.queue[i];
    if (e.event_id.empty() || !seen.insert(e.event_id).second) continue;
    if (e.request_id.empty()) out.push_back(i);
  }
  return out;
}

bool Engine::flush_due(int64_t now, const std::vector<std::size_t>& heads) const {
  // Only sendable never-sent updates count: a blocked one cannot go out
  // anyway, and counting it would make next_wake() spin.
  std::size_t count = 0, bytes = 0;
  std::optional<int64_t> oldest;
  for (std::size_t i : heads) {
    const Entry& e = s_.queue[i];
    if (e.attempts != 0) continue;
    ++count;
    bytes += e.bytes;
    oldest = std::min(oldest.value_or(e.first_enqueued_ms), e.first_enqueued_ms);
  }
  if (count == 0) return false;
  return count >= config_.flush_at_updates || bytes >= config_.flush_at_bytes ||
         now - *oldest >= config_.flush_interval_ms;
}

// Rules per reason:
//   tick   — sends when a flush trigger holds (count, bytes, age of the
//            oldest never-sent update) or a retry's backoff has expired;
//            once something goes, every sendable update goes with it.
//   flush  — sends everything sendable now.
//   hidden — the page may never run again: ignores max_in_flight and
//            exponential backoff (a courtesy to a struggling server, moot
//            when this is the last chance), but not an unexpired
//            Retry-After (the server said when; an early resend is likely
//            refused again and burns an attempt, while the persisted queue
//            keeps the update for the next page load). The total of all
//            returned requests stays within hidden_budget_bytes, the
//            keepalive/sendBeacon quota; what does not fit stays queued.
// Updates older than max_age_ms are dead-lettered first in every case.
std::vector<Request> Engine::take_ready(int64_t now, FlushReason reason) {
  expire(now);
  const bool hidden = reason == FlushReason::hidden;
  std::size_t slots = std::numeric_limits<std::size_t>::max();
  if (!hidden) {
    if (s_.in_flight.size() >= config_.max_in_flight_requests) return {};
    slots = config_.max_in_flight_requests - s_.in_flight.size();
  }
  const auto hs = heads();
  const bool retry_due = std::any_of(hs.begin(), hs.end(), [&](std::size_t i) {
    return s_.queue[i].attempts > 0 && s_.queue[i].next_attempt_ms <= now;
  });
  if (reason == FlushReason::tick && !retry_due && !flush_due(now, hs)) return {};

  const std::size_t per_request = config_.one_update_per_request ? 1 : config_.max_request_updates;
  const std::size_t budget = hidden ? config_.hidden_budget_bytes : std::numeric_limits<std::size_t>::max();
  std::vector<std::vector<std::size_t>> groups;
  std::vector<std::size_t> sizes;
  std::vector<std::size_t> cur;
  std::size_t cur_bytes = 0, spent = 0;
  for (std::size_t i : hs) {
    const Entry& e = s_.queue[i];
    const bool ready = e.attempts == 0 || e.next_attempt_ms <= now ||
                       (hidden && e.retry_after_until_ms <= now);
    if (!ready) continue;
    const bool joins = !cur.empty() && cur.size() < per_request &&
                       cur_bytes + 1 + e.bytes <= config_.max_request_bytes;
    const std::size_t add = joins ? 1 + e.bytes : kRequestOverheadBytes + e.bytes;
    if (!joins && groups.size() + (cur.empty() ? 0 : 1) >= slots) break;
    if (spent + cur_bytes + add > budget) continue;  // a smaller one may still fit
    if (!joins && !cur.empty()) {
      groups.push_back(std::move(cur));
      sizes.push_back(cur_bytes);
      spent += cur_bytes;
      cur.clear();
      cur_bytes = 0;
    }
    cur.push_back(i);
    cur_bytes += add;
  }
  if (!cur.empty()) {
    groups.push_back(std::move(cur));
    sizes.push_back(cur_bytes);
  }

  std::vector<Request> out;
  out.reserve(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    Request req;
    req.id = "r-" + std::to_string(s_.next_request++);
    req.bytes = sizes[g];
    auto& ids = s_.in_flight[req.id];
    for (std::size_t i : groups[g]) {
      Entry& e = s_.queue[i];
      ++e.attempts;
      e.request_id = req.id;
      ids.push_back(e.id);
      req.updates.push_back(OutgoingUpdate{e.id, e.event_id, e.feedback});
    }
    out.push_back(std::move(req));
  }
  return out;
}

void Engine::settle(std::size_t index, const UpdateResult& r, int64_t now, ResultOutcome& out) {
  Entry& e = s_.queue[index];
  e.request_id.clear();
  e.last_status = r.status;
  const std::string id = e.id;
  auto extract = [&]() {
    Entry moved = std::move(s_.queue[index]);
    s_.queued_bytes -= moved.bytes;
    s_.queue.erase(s_.queue.begin() + static_cast<std::ptrdiff_t>(index));
    return moved;
  };
  const auto cls = classify_status(r.status);
  if (cls == StatusClass::delivered) {
    ++s_.counters.sent;
    out.delivered.push_back(id);
    extract();
    return;
  }
  std::string reason;
  if (cls == StatusClass::reject) {
    reason = "rejected";
  } else if (e.attempts >= config_.max_attempts) {
    reason = "max_attempts";
  } else if (now - e.first_enqueued_ms >= config_.max_age_ms) {
    reason = "max_age";
  }
  if (!reason.empty()) {
    out.dead_lettered.push_back(id);
    dead_letter(extract(), reason);
    return;
  }
  int64_t delay = 0;
  if (auto asked = parse_retry_after(r.retry_after, now)) {
    delay = std::min(*asked, config_.retry_after_max_ms);
    e.retry_after_until_ms = now + delay;
  } else {
    delay = backoff_delay(e.attempts, config_.retry_base_ms, config_.retry_max_delay_ms,
                          config_.jitter, s_.rng);
    e.retry_after_until_ms = 0;
  }
  e.next_attempt_ms = now + delay;
  ++s_.counters.retried;
  out.retrying.push_back(id);
}

ResultOutcome Engine::on_result(std::string_view request_id,
                                const std::vector<UpdateResult>& results, int64_t now) {
  ResultOutcome out;
  auto it = s_.in_flight.find(std::string(request_id));
  if (it == s_.in_flight.end()) return out;
  out.known_request = true;
  const std::vector<std::string> ids = std::move(it->second);
  s_.in_flight.erase(it);
  for (const auto& id : ids) {
    const auto e = std::find_if(s_.queue.begin(), s_.queue.end(),
                                [&](const Entry& x) { return x.id == id; });
    if (e == s_.queue.end() || e->request_id != request_id) continue;
    // An update the response did not mention is treated as not delivered:
    // resending it is safe, losing it is not.
    UpdateResult missing{id, 0, ""};
    const UpdateResult* r = &missing;
    for (const auto& candidate : results) {
      if (candidate.update_id == id) {
        r = &candidate;
        break;
      }
    }
    settle(static_cast<std::size_t>(e - s_.queue.begin()), *r, now, out);
  }
  return out;
}

ResultOutcome Engine::on_request_failed(std::string_view request_id, int status,
                                        std::string_view retry_after, int64_t now) {
  std::vector<UpdateResult> results;
  auto it = s_.in_flight.find(std::string(request_id));
  if (it != s_.in_flight.end()) {
    for (const auto& id : it->second) results.push_back({id, status, std::string(retry_after)});
  }
  return on_result(request_id, results, now);
}

std::vector<std::string> Engine::abandon_in_flight(int64_t now) {
  std::vector<std::string> ids;
  for (auto& e : s_.queue) {
    if (e.request_id.empty()) continue;
    e.request_id.clear();
    e.next_attempt_ms = now;
    e.retry_after_until_ms = 0;
    ids.push_back(e.id);
  }
  s_.in_flight.clear();
  return ids;
}

std::optional<int64_t> Engine::next_wake(int64_t now) const {
  std::optional<int64_t> best;
  auto consider = [&](int64_t t) {
    t = std::max(t, now);
    if (!best || t < *best) best = t;
  };
  for (const auto& e : s_.queue) {
    if (e.request_id.empty()) consider(e.first_enqueued_ms + config_.max_age_ms);
  }
  // With every request slot taken, sending waits for on_result, not time.
  if (s_.in_flight.size() >= config_.max_in_flight_requests) return best;
  const auto hs = heads();
  if (flush_due(now, hs)) consider(now);
  for (std::size_t i : hs) {
    const Entry& e = s_.queue[i];
    consider(e.attempts == 0 ? e.first_enqueued_ms + config_.flush_interval_ms : e.next_attempt_ms);
  }
  return best;
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
