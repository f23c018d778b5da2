// Sending and outcomes: which updates leave when, and what a result does.
//
// Per target, the first queued update is the only one that may leave
// (heads()), so order per target holds and at most one is in flight.
#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "delivery/engine.hpp"
#include "feedback/text.hpp"

namespace tf::delivery {

std::vector<std::size_t> Engine::heads() const {
  // The first update of each known target, unless it is in flight: later
  // updates of a target wait for the earlier one to complete.
  std::vector<std::size_t> out;
  std::set<std::string_view> seen;
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
std::vector<Request> Engine::take_ready(int64_t wall, FlushReason reason) {
  const int64_t now = advance(wall);
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
  const std::size_t budget =
      hidden ? config_.hidden_budget_bytes : std::numeric_limits<std::size_t>::max();
  std::vector<std::vector<std::size_t>> groups;
  std::vector<std::size_t> sizes;
  std::vector<std::size_t> cur;
  std::size_t cur_bytes = 0, spent = 0;
  for (std::size_t i : hs) {
    const Entry& e = s_.queue[i];
    const bool ready =
        e.attempts == 0 || e.next_attempt_ms <= now || (hidden && e.retry_after_until_ms <= now);
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
    req.id = "r-" + decimal(s_.next_request++);
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

void Engine::settle(std::size_t index, const UpdateResult& r, int64_t now, int64_t wall,
                    ResultOutcome& out) {
  Entry& e = s_.queue[index];
  e.request_id.clear();
  e.last_status = r.status;
  e.last_cause = r.cause.empty() ? describe_failure(r.status, r.code) : bounded_cause(r.cause);
  const std::string id = e.id;
  // Taken out of its slot, which on_result drops with the others in one
  // pass: erasing each from the middle of the queue would shift the rest
  // once per settled update (O(n^2) per request as the queue grows).
  auto extract = [&]() {
    Entry moved = std::move(s_.queue[index]);
    s_.queue[index].removed = true;
    s_.queued_bytes -= moved.bytes;
    return moved;
  };
  const auto cls = r.code == "unknown_event" ? StatusClass::unknown_event : classify_status(r.status);
  if (cls == StatusClass::delivered) {
    ++s_.counters.sent;
    out.delivered.push_back(id);
    extract();
    return;
  }
  // The settle window runs from the first capture of this update.
  const int64_t settle_end = e.first_enqueued_ms + config_.unknown_event_retry_ms;
  std::string reason;
  if (cls == StatusClass::reject) {
    reason = "rejected";
  } else if (cls == StatusClass::unknown_event &&
             (now >= settle_end || e.attempts >= config_.max_attempts)) {
    // Still unknown after the window (or the attempts): the event most
    // likely never existed. Its own code, so the app can tell it apart.
    reason = "unknown_event";
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
  // An HTTP-date Retry-After is read against the caller's clock.
  if (auto asked = parse_retry_after(r.retry_after, wall)) {
    delay = std::min(*asked, config_.retry_after_max_ms);
    e.retry_after_until_ms = now + delay;
  } else {
    delay = backoff_delay(e.attempts, config_.retry_base_ms, config_.retry_max_delay_ms,
                          config_.jitter, s_.rng);
    e.retry_after_until_ms = 0;
  }
  e.next_attempt_ms = now + delay;
  if (cls == StatusClass::unknown_event && e.retry_after_until_ms == 0 &&
      e.next_attempt_ms > settle_end) {
    // One last try at the end of the window rather than a backoff that
    // overshoots it (a server's Retry-After is still honoured as given).
    e.next_attempt_ms = settle_end;
  }
  ++s_.counters.retried;
  out.retrying.push_back(id);
}

ResultOutcome Engine::on_result(std::string_view request_id,
                                const std::vector<UpdateResult>& results, int64_t wall) {
  const int64_t now = advance(wall);
  ResultOutcome out;
  auto it = s_.in_flight.find(std::string(request_id));
  if (it == s_.in_flight.end()) return out;
  out.known_request = true;
  const std::vector<std::string> ids = std::move(it->second);
  s_.in_flight.erase(it);
  // One pass over the queue finds this request's updates (a handful),
  // instead of one scan of the whole queue per update.
  std::vector<std::size_t> mine;
  for (std::size_t i = 0; i < s_.queue.size(); ++i) {
    if (s_.queue[i].request_id == request_id) mine.push_back(i);
  }
  bool removed = false;
  for (const auto& id : ids) {  // in the request's order: outcomes, dead letters, jitter
    const auto at = std::find_if(mine.begin(), mine.end(),
                                 [&](std::size_t i) { return s_.queue[i].id == id; });
    if (at == mine.end()) continue;
    // An update the response did not mention is treated as not delivered:
    // resending it is safe, losing it is not.
    UpdateResult missing{id, 0, "", "", "the answer did not mention this update"};
    const UpdateResult* r = &missing;
    for (const auto& candidate : results) {
      if (candidate.update_id == id) {
        r = &candidate;
        break;
      }
    }
    settle(*at, *r, now, wall, out);
    removed = removed || s_.queue[*at].removed;
  }
  if (removed) {
    std::vector<Entry> kept;
    kept.reserve(s_.queue.size());
    for (auto& e : s_.queue) {
      if (!e.removed) kept.push_back(std::move(e));
    }
    s_.queue = std::move(kept);
  }
  return out;
}

ResultOutcome Engine::on_request_failed(std::string_view request_id, int status,
                                        std::string_view retry_after, std::string_view cause,
                                        int64_t now) {
  std::vector<UpdateResult> results;
  auto it = s_.in_flight.find(std::string(request_id));
  if (it != s_.in_flight.end()) {
    for (const auto& id : it->second) {
      results.emplace_back(id, status, std::string(retry_after), "", std::string(cause));
    }
  }
  return on_result(request_id, results, now);
}

const std::vector<std::string>* Engine::request_updates(std::string_view request_id) const {
  auto it = s_.in_flight.find(std::string(request_id));
  return it == s_.in_flight.end() ? nullptr : &it->second;
}

std::vector<std::string> Engine::abandon_in_flight(int64_t wall) {
  const int64_t now = advance(wall);
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

std::optional<int64_t> Engine::next_wake(int64_t wall) const {
  const int64_t now = advance(wall);
  const auto at = next_wake_engine_time(now);
  if (!at) return std::nullopt;
  // Back to the caller's clock; at least every kMaxWakeMs (see engine.hpp).
  return wall + std::min(*at - now, kMaxWakeMs);
}

std::optional<int64_t> Engine::next_wake_engine_time(int64_t now) const {
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

}  // namespace tf::delivery
