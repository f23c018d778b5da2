// From per-code-point edit marks to the change regions a person would name.
//
// A minimal character script is often unreadable: "NYC" -> "New York"
// comes out as "N", +"ew ", "Y", -"C"+"ork". These passes widen changes
// (absorbing short equalities and finishing half-edited words) so that the
// segments read as "replace NYC with New York". They only regroup: the
// edit distance is always counted from the marks, never from segments.
#pragma once

#include <cstddef>
#include <vector>

#include "diff/myers.hpp"

namespace tf::diff {

// A changed region: a[a_begin..a_end) became b[b_begin..b_end). Regions
// are in order and separated by equal text of the same length in both.
struct Change {
  std::size_t a_begin, a_end;
  std::size_t b_begin, b_end;
};

// One region per maximal run of marked code points (deletes and inserts
// with no equal text between them).
std::vector<Change> collect_changes(const EditMarks& marks);

// Merges each equality no longer than the larger side of the changes on
// both its sides (diff-match-patch's semantic rule), then stretches
// changes that stop mid-word to the word's ends (at most a few dozen code
// points, so a URL or unspaced CJK run is not swallowed whole) and joins
// changes that come to touch.
void semantic_cleanup(std::vector<Change>& changes, const char32_t* a,
                      std::size_t n, const char32_t* b);

}  // namespace tf::diff
