// Linear-space Myers diff with a work budget; see myers.hpp.
//
// The middle-snake search follows GNU diff's `diag` (absolute diagonals
// k = x - y, forward and backward furthest-x arrays sharing one offset),
// which has decades of use behind its boundary handling.
#include "diff/myers.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>

namespace tf::diff {

namespace {

// Length of the common run a[0..), b[0..) (at most `limit`). Off the true
// path most runs are 0 or 1 long and their end is unpredictable; comparing
// two code points per load makes those cases branch-free, which roughly
// halves the search time on prose.
inline std::ptrdiff_t run_forward(const char32_t* a, const char32_t* b,
                                  std::ptrdiff_t limit) {
  std::ptrdiff_t k = 0;
  for (; k + 2 <= limit; k += 2) {
    std::uint64_t u, v;
    std::memcpy(&u, a + k, sizeof u);
    std::memcpy(&v, b + k, sizeof v);
    if (u != v) return k + (a[k] == b[k]);
  }
  return k + (k < limit && a[k] == b[k]);
}

// Same, backwards: the common run ending just before a and b.
inline std::ptrdiff_t run_backward(const char32_t* a, const char32_t* b,
                                   std::ptrdiff_t limit) {
  std::ptrdiff_t k = 0;
  for (; k + 2 <= limit; k += 2) {
    std::uint64_t u, v;
    std::memcpy(&u, a - k - 2, sizeof u);
    std::memcpy(&v, b - k - 2, sizeof v);
    if (u != v) return k + (a[-k - 1] == b[-k - 1]);
  }
  return k + (k < limit && a[-k - 1] == b[-k - 1]);
}

struct Range {
  std::ptrdiff_t x0, x1, y0, y1;  // a[x0..x1) against b[y0..y1)
};

struct Split {
  std::ptrdiff_t x, y;
  bool minimal;  // false when a budget forced a heuristic point
};

// Edits a search may explore once the budget is spent.
constexpr std::ptrdiff_t kCheapLimit = 16;

class Searcher {
 public:
  Searcher(const char32_t* a, std::size_t n, const char32_t* b, std::size_t m,
           std::uint64_t budget)
      : a_(a),
        b_(b),
        // Diagonals run from -m to n, plus one sentinel each side. Left
        // uninitialised on purpose: a search only touches the diagonals
        // near its path, so most pages of a large buffer are never faulted.
        fbuf_(new std::ptrdiff_t[n + m + 3]),
        bbuf_(new std::ptrdiff_t[n + m + 3]),
        fd_(fbuf_.get() + m + 1),
        bd_(bbuf_.get() + m + 1),
        budget_(budget) {
    // One middle-snake search may use about half of the whole budget (its
    // cost grows as c^2), so a single hard region cannot starve the rest
    // while ordinary edits (D in the thousands) stay exact by default.
    std::uint64_t c = 1;
    while ((c + 1) * (c + 1) <= budget / 2) ++c;
    call_limit_ = static_cast<std::ptrdiff_t>(std::max<std::uint64_t>(c, 64));
  }

  bool out_of_budget() const { return spent_ >= budget_; }

  // Finds a point on a shortest path through r (both sides non-empty,
  // first and last code points differing).
  Split split(const Range& r);

 private:
  Split heuristic(const Range& r, std::ptrdiff_t fmin, std::ptrdiff_t fmax,
                  std::ptrdiff_t bmin, std::ptrdiff_t bmax) const;

  const char32_t* a_;
  const char32_t* b_;
  std::unique_ptr<std::ptrdiff_t[]> fbuf_, bbuf_;
  std::ptrdiff_t* fd_;  // forward: furthest x reached on each diagonal
  std::ptrdiff_t* bd_;  // backward: smallest x reached on each diagonal
  std::uint64_t budget_;
  std::uint64_t spent_ = 0;
  std::ptrdiff_t call_limit_;
};

Split Searcher::split(const Range& r) {
  const std::ptrdiff_t dmin = r.x0 - r.y1;  // lowest valid diagonal
  const std::ptrdiff_t dmax = r.x1 - r.y0;  // highest valid diagonal
  const std::ptrdiff_t fmid = r.x0 - r.y0;
  const std::ptrdiff_t bmid = r.x1 - r.y1;
  std::ptrdiff_t fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
  const bool odd = ((fmid - bmid) & 1) != 0;
  fd_[fmid] = r.x0;
  bd_[bmid] = r.x1;

  for (std::ptrdiff_t c = 1;; ++c) {
    std::uint64_t work = 0;
    // Grow the forward search by one edit; out-of-range neighbours get a
    // sentinel that loses every comparison.
    if (fmin > dmin) fd_[--fmin - 1] = -1; else ++fmin;
    if (fmax < dmax) fd_[++fmax + 1] = -1; else --fmax;
    for (std::ptrdiff_t d = fmax; d >= fmin; d -= 2) {
      const std::ptrdiff_t lo = fd_[d - 1], hi = fd_[d + 1];
      const std::ptrdiff_t x0 = lo < hi ? hi : lo + 1;
      const std::ptrdiff_t y0 = x0 - d;
      const std::ptrdiff_t run =
          run_forward(a_ + x0, b_ + y0, std::min(r.x1 - x0, r.y1 - y0));
      const std::ptrdiff_t x = x0 + run, y = y0 + run;
      work += 1 + static_cast<std::uint64_t>(x - x0);
      fd_[d] = x;
      if (odd && bmin <= d && d <= bmax && bd_[d] <= x) {
        spent_ += work;
        return {x, y, true};
      }
    }
    if (bmin > dmin) bd_[--bmin - 1] = PTRDIFF_MAX; else ++bmin;
    if (bmax < dmax) bd_[++bmax + 1] = PTRDIFF_MAX; else --bmax;
    for (std::ptrdiff_t d = bmax; d >= bmin; d -= 2) {
      const std::ptrdiff_t lo = bd_[d - 1], hi = bd_[d + 1];
      const std::ptrdiff_t x0 = lo < hi ? lo : hi - 1;
      const std::ptrdiff_t y0 = x0 - d;
      const std::ptrdiff_t run =
          run_backward(a_ + x0, b_ + y0, std::min(x0 - r.x0, y0 - r.y0));
      const std::ptrdiff_t x = x0 - run, y = y0 - run;
      work += 1 + static_cast<std::uint64_t>(x0 - x);
      bd_[d] = x;
      if (!odd && fmin <= d && d <= fmax && x <= fd_[d]) {
        spent_ += work;
        return {x, y, true};
      }
    }
    // Once the budget is spent, every search stops after kCheapLimit
    // edits: the rest of the diff then costs O((N+M) * kCheapLimit) and
    // still finds the local edits of a long, lightly edited answer.
    const bool was_cheap = out_of_budget();
    spent_ += work;
    const bool stop = was_cheap ? c >= kCheapLimit : c >= call_limit_ || out_of_budget();
    if (stop) {
      return heuristic(r, fmin, fmax, bmin, bmax);
    }
  }
}

// GNU diff's fallback: take whichever search got furthest from its start
// and split there. The part that search covered is minimal; the rest is not.
Split Searcher::heuristic(const Range& r, std::ptrdiff_t fmin,
                          std::ptrdiff_t fmax, std::ptrdiff_t bmin,
                          std::ptrdiff_t bmax) const {
  std::ptrdiff_t fxy = -1, fx = r.x0;
  for (std::ptrdiff_t d = fmax; d >= fmin; d -= 2) {
    std::ptrdiff_t x = std::min(fd_[d], r.x1), y = x - d;
    if (r.y1 < y) x = r.y1 + d, y = r.y1;
    if (fxy < x + y) fxy = x + y, fx = x;
  }
  std::ptrdiff_t bxy = PTRDIFF_MAX, bx = r.x1;
  for (std::ptrdiff_t d = bmax; d >= bmin; d -= 2) {
    std::ptrdiff_t x = std::max(r.x0, bd_[d]), y = x - d;
    if (y < r.y0) x = r.y0 + d, y = r.y0;
    if (x + y < bxy) bxy = x + y, bx = x;
  }
  if ((r.x1 + r.y1) - bxy < fxy - (r.x0 + r.y0)) return {fx, fxy - fx, false};
  return {bx, bxy - bx, false};
}

void mark_all(std::vector<std::uint8_t>& v, std::ptrdiff_t from,
              std::ptrdiff_t to) {
  if (to > from) std::memset(v.data() + from, 1, static_cast<std::size_t>(to - from));
}

}  // namespace

EditMarks myers_marks(const char32_t* a, std::size_t n, const char32_t* b,
                      std::size_t m, std::uint64_t max_cost) {
  EditMarks out;
  out.deleted.assign(n, 0);
  out.inserted.assign(m, 0);
  Searcher searcher(a, n, b, m, max_cost);

  // Breadth-first work list instead of recursion: the wasm stack is small,
  // and an exhausted budget then hits the smallest pending pieces.
  std::vector<Range> work;
  work.push_back({0, static_cast<std::ptrdiff_t>(n), 0,
                  static_cast<std::ptrdiff_t>(m)});
  for (std::size_t next = 0; next < work.size(); ++next) {
    Range r = work[next];
    const std::ptrdiff_t head =
        run_forward(a + r.x0, b + r.y0, std::min(r.x1 - r.x0, r.y1 - r.y0));
    r.x0 += head, r.y0 += head;
    const std::ptrdiff_t tail =
        run_backward(a + r.x1, b + r.y1, std::min(r.x1 - r.x0, r.y1 - r.y0));
    r.x1 -= tail, r.y1 -= tail;
    if (r.x0 == r.x1 || r.y0 == r.y1) {  // one side empty: the only script
      mark_all(out.deleted, r.x0, r.x1);
      mark_all(out.inserted, r.y0, r.y1);
      continue;
    }
    const Split s = searcher.split(r);
    if (!s.minimal) out.exact = false;
    const bool at_corner = (s.x == r.x0 && s.y == r.y0) || (s.x == r.x1 && s.y == r.y1);
    if (at_corner) {  // cannot happen per Myers' lemma; never loop on it
      out.exact = false;
      mark_all(out.deleted, r.x0, r.x1);
      mark_all(out.inserted, r.y0, r.y1);
      continue;
    }
    if (next > 4096 && 2 * next > work.size()) {  // keep the list linear
      work.erase(work.begin(), work.begin() + static_cast<std::ptrdiff_t>(next) + 1);
      next = static_cast<std::size_t>(-1);  // the loop's ++ makes it 0
    }
    work.push_back({r.x0, s.x, r.y0, s.y});
    work.push_back({s.x, r.x1, s.y, r.y1});
  }
  return out;
}

}  // namespace tf::diff
