// Myers' O(ND) difference algorithm, linear-space variant.
//
// Works on code point sequences and answers only "which code points were
// deleted from A / inserted into B"; turning that into readable segments
// is segments.hpp's job. Marks rather than an ordered script let the
// divide-and-conquer visit subproblems in any order (breadth first, so a
// cost budget running out degrades the finest pieces, not the tail).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tf::diff {

struct EditMarks {
  std::vector<std::uint8_t> deleted;   // per code point of A: 1 if deleted
  std::vector<std::uint8_t> inserted;  // per code point of B: 1 if inserted
  // True when the marks are a minimal script (their count is Myers' D).
  // False once the cost budget forced a heuristic split or a wholesale
  // replacement; the count is then an upper bound.
  bool exact = true;
};

// Marks a shortest insert/delete script turning a[0..n) into b[0..m).
// `max_cost` bounds the work of the exact search (diagonal steps plus
// compared code points, roughly proportional to time). Past it, each
// remaining search stops after a few edits and splits at the furthest
// point it reached (GNU diff's heuristic): linear-ish time, local edits
// still found, but no longer minimal. 0 uses that cheap mode throughout.
EditMarks myers_marks(const char32_t* a, std::size_t n, const char32_t* b,
                      std::size_t m, std::uint64_t max_cost);

}  // namespace tf::diff
