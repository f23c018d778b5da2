// Change regions and their human-oriented cleanup; see segments.hpp.
#include "diff/segments.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace tf::diff {

namespace {

// How far a change may grow to reach a word boundary on each side.
constexpr std::size_t kMaxWordStretch = 32;

// Letters and digits of space-separated scripts. CJK ideographs and kana
// are left out on purpose: without spaces, "the word" would be a sentence.
bool is_word_char(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
  }
  if (c == 0xD7 || c == 0xF7) return false;                 // x and division signs
  if (c >= 0xC0 && c <= 0x24F) return true;                 // Latin-1, Latin Extended
  if (c >= 0x370 && c <= 0x1FFF) return true;               // Greek .. Latin Ext. Additional
  if (c >= 0xAC00 && c <= 0xD7AF) return true;              // Hangul syllables (space-separated)
  return false;
}

std::size_t a_len(const Change& c) { return c.a_end - c.a_begin; }
std::size_t b_len(const Change& c) { return c.b_end - c.b_begin; }
std::size_t larger_side(const Change& c) { return std::max(a_len(c), b_len(c)); }

Change join(const Change& left, const Change& right) {
  return {left.a_begin, right.a_end, left.b_begin, right.b_end};
}

// Does the change begin (or end) with a word character on either side?
bool starts_with_word(const Change& c, const char32_t* a, const char32_t* b) {
  return (a_len(c) > 0 && is_word_char(a[c.a_begin])) ||
         (b_len(c) > 0 && is_word_char(b[c.b_begin]));
}
bool ends_with_word(const Change& c, const char32_t* a, const char32_t* b) {
  return (a_len(c) > 0 && is_word_char(a[c.a_end - 1])) ||
         (b_len(c) > 0 && is_word_char(b[c.b_end - 1]));
}

void merge_small_equalities(std::vector<Change>& changes) {
  std::vector<Change> out;
  out.reserve(changes.size());
  for (Change cur : changes) {
    // A merge makes `cur` larger, which may now outweigh the equality
    // before the previous change too: keep folding leftwards.
    while (!out.empty()) {
      const Change& prev = out.back();
      const std::size_t eq = cur.a_begin - prev.a_end;
      if (eq > larger_side(prev) || eq > larger_side(cur)) break;
      cur = join(prev, cur);
      out.pop_back();
    }
    out.push_back(cur);
  }
  changes.swap(out);
}

// Number of word characters ending just before a[end] (going left, not
// past `limit`), or 0 if more than kMaxWordStretch would be needed.
std::size_t word_run_left(const char32_t* a, std::size_t end, std::size_t limit) {
  std::size_t k = 0;
  while (end - k > limit && is_word_char(a[end - k - 1])) {
    if (++k > kMaxWordStretch) return 0;
  }
  return k;
}
std::size_t word_run_right(const char32_t* a, std::size_t begin, std::size_t limit) {
  std::size_t k = 0;
  while (begin + k < limit && is_word_char(a[begin + k])) {
    if (++k > kMaxWordStretch) return 0;
  }
  return k;
}

void stretch_to_words(std::vector<Change>& changes, const char32_t* a,
                      std::size_t n, const char32_t* b) {
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Change& c = changes[i];
    // The equal text around a change is the same in a and b, so the
    // stretch is measured in a and applied to both.
    const std::size_t left_limit = i > 0 ? changes[i - 1].a_end : 0;
    if (c.a_begin > left_limit && is_word_char(a[c.a_begin - 1]) &&
        starts_with_word(c, a, b)) {
      const std::size_t k = word_run_left(a, c.a_begin, left_limit);
      c.a_begin -= k;
      c.b_begin -= k;
    }
    const std::size_t right_limit = i + 1 < changes.size() ? changes[i + 1].a_begin : n;
    if (c.a_end < right_limit && is_word_char(a[c.a_end]) &&
        ends_with_word(c, a, b)) {
      const std::size_t k = word_run_right(a, c.a_end, right_limit);
      c.a_end += k;
      c.b_end += k;
    }
  }
  // Join the changes whose separating equality was used up.
  std::vector<Change> out;
  out.reserve(changes.size());
  for (const Change& c : changes) {
    if (!out.empty() && out.back().a_end >= c.a_begin) {
      out.back() = join(out.back(), c);
    } else {
      out.push_back(c);
    }
  }
  changes.swap(out);
}

}  // namespace

namespace {

// Index of the first nonzero mark in v[from..), or v.size(). Eight marks
// per load: equal text is most of an edited answer, and this walk over it
// was a third of diffing two equal 10 KB texts.
std::size_t next_mark(const std::vector<std::uint8_t>& v, std::size_t from) {
  const std::size_t n = v.size();
  const std::uint8_t* p = v.data();
  std::size_t i = from;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, sizeof w);
    if (w != 0) break;
  }
  while (i < n && p[i] == 0) ++i;
  return i;
}

}  // namespace

std::vector<Change> collect_changes(const EditMarks& marks) {
  std::vector<Change> out;
  const std::size_t n = marks.deleted.size();
  const std::size_t m = marks.inserted.size();
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    // An equal run: both advance together until either side is marked.
    const std::size_t run = std::min(next_mark(marks.deleted, i) - i, next_mark(marks.inserted, j) - j);
    i += run;
    j += run;
    if (i >= n && j >= m) break;
    Change c{i, i, j, j};
    while ((i < n && marks.deleted[i]) || (j < m && marks.inserted[j])) {
      if (i < n && marks.deleted[i]) ++i; else ++j;
    }
    c.a_end = i;
    c.b_end = j;
    if (c.a_end == c.a_begin && c.b_end == c.b_begin) {  // marks past one end: never loop
      ++i;
      ++j;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void semantic_cleanup(std::vector<Change>& changes, const char32_t* a,
                      std::size_t n, const char32_t* b) {
  merge_small_equalities(changes);
  stretch_to_words(changes, a, n, b);
}

}  // namespace tf::diff
