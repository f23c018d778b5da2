// diff(): decode, Myers, regroup into segments; see diff.hpp.
#include "diff/diff.hpp"

#include "diff/myers.hpp"
#include "diff/segments.hpp"
#include "diff/utf8.hpp"

namespace tf::diff {

namespace {

Segment make_segment(const Change& c, const std::vector<char32_t>& a,
                     const std::vector<char32_t>& b) {
  Segment s;
  s.at = c.a_begin;
  s.at_edited = c.b_begin;
  s.from_len = c.a_end - c.a_begin;
  s.value_len = c.b_end - c.b_begin;
  s.op = s.from_len == 0 ? EditOp::kInsert
         : s.value_len == 0 ? EditOp::kDelete
                            : EditOp::kReplace;
  s.from = encode_utf8(a.data() + c.a_begin, a.data() + c.a_end);
  s.value = encode_utf8(b.data() + c.b_begin, b.data() + c.b_end);
  return s;
}

}  // namespace

DiffResult diff(std::string_view original, std::string_view edited,
                const DiffOptions& options) {
  const std::vector<char32_t> a = decode_utf8(original);
  const std::vector<char32_t> b = decode_utf8(edited);
  const EditMarks marks = myers_marks(a.data(), a.size(), b.data(), b.size(),
                                      options.max_cost);

  DiffResult r;
  r.original_len = a.size();
  r.edited_len = b.size();
  r.exact = marks.exact;
  for (std::uint8_t d : marks.deleted) r.deleted += d;
  for (std::uint8_t i : marks.inserted) r.inserted += i;
  r.edit_distance = r.deleted + r.inserted;
  const std::size_t total = a.size() + b.size();
  r.similarity = total == 0 ? 1.0
                            : 1.0 - static_cast<double>(r.edit_distance) /
                                        static_cast<double>(total);

  std::vector<Change> changes = collect_changes(marks);
  if (options.semantic_cleanup) {
    semantic_cleanup(changes, a.data(), a.size(), b.data());
  }
  r.segments.reserve(changes.size());
  for (const Change& c : changes) r.segments.push_back(make_segment(c, a, b));
  return r;
}

}  // namespace tf::diff
