// The standalone diff module (trace_feedback_diff.wasm): plain C exports,
// no Embind, no JSON library, no Emscripten JS glue. web/diff/module.ts
// instantiates it and reads the result straight out of linear memory.
//
// A call: tf_diff_alloc() room for both texts, write their UTF-8 there,
// tf_diff_run(), read the result it points to, tf_diff_free() the texts.
// The result lives until the next tf_diff_alloc, which starts the next call
// and frees everything of the last one (one call at a time: wasm here is
// single-threaded).
//
// Result, little-endian u32 words at the returned pointer:
//   [0] 0 = ok, 1 = invalid options
//   ok:    [1] edits listed  [2] edit_distance  [3] inserted  [4] deleted
//          [5] segments      [6] truncated       [7] exact
//          [8..9] similarity (f64, at byte 32)   [10] text ptr  [11] text bytes
//          then per listed edit 9 words: op (0 insert, 1 delete, 2 replace),
//          at, from_len, value_len, flags (1 from, 2 value, 4 lens,
//          8 truncated), then from and value each as UTF-16 offset and
//          length into the text (the UTF-8 of every from and value, in
//          order), so JS decodes it once and slices.
//   error: [1] path ptr [2] path bytes [3] message ptr [4] message bytes
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "diff/diff.hpp"
#include "diff/feedback.hpp"

#define TF_EXPORT extern "C" __attribute__((used, visibility("default")))

namespace {

using tf::diff::DiffOptions;
using tf::diff::OptionsError;

// Present bits of tf_diff_run's options (the caller's object had the key).
constexpr std::uint32_t kIncludeText = 1, kMaxSegmentChars = 2, kMaxSegments = 4;

std::vector<std::uint32_t> g_words;
std::string g_text;
OptionsError g_error;

// UTF-16 code units of valid UTF-8 (4-byte sequences are surrogate pairs).
std::uint32_t utf16_length(std::string_view s) {
  std::uint32_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? (c >= 0xF0 ? 2 : 1) : 0;
  return n;
}

std::uint32_t u32(std::size_t v) { return static_cast<std::uint32_t>(v); }
std::uint32_t addr(const void* p) { return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p)); }

// A JS number as an integer option: Number.isInteger(v) && v >= 0 is the
// JSON rule (an integer token, not negative) for what JSON.stringify writes.
bool count_option(const char* key, double v, std::uint64_t max, std::size_t& out) {
  const bool integer = v >= 0 && v <= 9007199254740992.0 && v == static_cast<double>(static_cast<std::uint64_t>(v));
  const std::uint64_t n = integer ? static_cast<std::uint64_t>(v) : 0;
  if (!tf::diff::check_count(key, integer, n, max, g_error)) return false;
  out = static_cast<std::size_t>(n);
  return true;
}

// Options in the order the JSON path reads them (keys sorted), so the first
// error reported is the same.
bool read_options(std::uint32_t present, std::int32_t include_text, double max_segment_chars,
                  double max_segments, DiffOptions& o) {
  if (present & kIncludeText) {
    if (include_text != 0 && include_text != 1) {
      tf::diff::boolean_error("includeText", g_error);
      return false;
    }
    o.include_text = include_text == 1;
  }
  if ((present & kMaxSegmentChars) &&
      !count_option("maxSegmentChars", max_segment_chars, tf::diff::kMaxSegmentCharsLimit, o.max_segment_chars)) {
    return false;
  }
  if ((present & kMaxSegments) &&
      !count_option("maxSegments", max_segments, tf::diff::kMaxSegmentsLimit, o.max_segments)) {
    return false;
  }
  return true;
}

const std::uint32_t* error_result() {
  g_words.assign({1, addr(g_error.path.data()), u32(g_error.path.size()), addr(g_error.message.data()),
                  u32(g_error.message.size())});
  return g_words.data();
}

}  // namespace

// The allocator: a bump arena, reset when the next call begins. A diff is
// one pure call whose every allocation dies with its result, so a general
// allocator (emmalloc: 1.9 KB of this module's gzip) buys nothing here.
// Memory grows to the largest diff's need and is reused from there.
namespace arena {

extern "C" unsigned char __heap_base;
constexpr std::size_t kAlign = 16;
constexpr std::size_t kPage = 65536;

std::uintptr_t top = 0;   // next free byte
std::uintptr_t mark = 0;  // where a call's allocations start

std::size_t& size_of(void* p) { return *reinterpret_cast<std::size_t*>(static_cast<unsigned char*>(p) - kAlign); }

void* take(std::size_t bytes) {
  if (top == 0) top = (reinterpret_cast<std::uintptr_t>(&__heap_base) + kAlign - 1) & ~(kAlign - 1);
  const std::size_t need = ((bytes + kAlign - 1) & ~(kAlign - 1)) + kAlign;  // + the size header
  if (need < bytes) return nullptr;
  const std::uintptr_t end = top + need;
  const std::uintptr_t have = __builtin_wasm_memory_size(0) * kPage;
  if (end > have) {
    const std::size_t pages = (end - have + kPage - 1) / kPage;
    if (__builtin_wasm_memory_grow(0, pages) == static_cast<std::size_t>(-1)) return nullptr;
  }
  void* p = reinterpret_cast<void*>(top + kAlign);
  top = end;
  size_of(p) = bytes;
  return p;
}

// Frees what the last call made: the globals let go of their buffers first.
void reset() {
  std::vector<std::uint32_t>().swap(g_words);
  std::string().swap(g_text);
  g_error = OptionsError{};
  if (mark == 0) mark = top;  // static initialisers' allocations stay
  top = mark;
}

}  // namespace arena

extern "C" {
void* malloc(std::size_t bytes) { return arena::take(bytes); }
void free(void*) {}
void* calloc(std::size_t n, std::size_t size) {
  if (size != 0 && n > static_cast<std::size_t>(-1) / size) return nullptr;
  void* p = arena::take(n * size);
  if (p) std::memset(p, 0, n * size);  // memory reused after a reset is not zero
  return p;
}
void* realloc(void* old, std::size_t bytes) {
  void* p = arena::take(bytes);
  if (p && old) std::memcpy(p, old, std::min(arena::size_of(old), bytes));
  return p;
}
void* aligned_alloc(std::size_t align, std::size_t bytes) { return align <= arena::kAlign ? arena::take(bytes) : nullptr; }
int posix_memalign(void** out, std::size_t align, std::size_t bytes) {
  *out = aligned_alloc(align, bytes);
  return *out ? 0 : 12;  // ENOMEM
}
}

TF_EXPORT void* tf_diff_alloc(std::size_t bytes) {
  arena::reset();
  return std::malloc(bytes ? bytes : 1);
}
TF_EXPORT void tf_diff_free(void*) {}  // the arena is reset by the next call

// include_text: 0 false, 1 true, anything else "not a boolean"; the counts
// are the JS numbers as given (NaN for a value that is not a number).
TF_EXPORT const std::uint32_t* tf_diff_run(const char* original, std::size_t original_bytes, const char* edited,
                                           std::size_t edited_bytes, std::uint32_t present,
                                           std::int32_t include_text, double max_segment_chars,
                                           double max_segments) {
  DiffOptions o;
  if (!read_options(present, include_text, max_segment_chars, max_segments, o)) return error_result();
  const tf::diff::DiffResult r =
      tf::diff::diff({original, original_bytes}, {edited, edited_bytes}, o);
  const tf::diff::FeedbackShape shape = tf::diff::feedback_shape(r, o);

  g_text.clear();
  g_words.assign(12 + 9 * shape.edits.size(), 0);
  std::uint32_t* w = g_words.data();
  w[0] = 0;
  w[1] = u32(shape.edits.size());
  w[2] = u32(r.edit_distance);
  w[3] = u32(r.inserted);
  w[4] = u32(r.deleted);
  w[5] = u32(r.segments.size());
  w[6] = shape.truncated;
  w[7] = r.exact;
  std::memcpy(w + 8, &r.similarity, sizeof r.similarity);
  std::uint32_t at16 = 0;
  std::uint32_t* e = w + 12;
  for (const tf::diff::EditEntry& x : shape.edits) {
    e[0] = static_cast<std::uint32_t>(x.op);
    e[1] = u32(x.at);
    e[2] = u32(x.from_len);
    e[3] = u32(x.value_len);
    e[4] = (x.has_from ? 1u : 0u) | (x.has_value ? 2u : 0u) | (x.has_lens ? 4u : 0u) | (x.truncated ? 8u : 0u);
    const std::uint32_t from16 = utf16_length(x.from), value16 = utf16_length(x.value);
    e[5] = at16;
    e[6] = from16;
    e[7] = at16 + from16;
    e[8] = value16;
    at16 += from16 + value16;
    g_text.append(x.from);
    g_text.append(x.value);
    e += 9;
  }
  w[10] = addr(g_text.data());
  w[11] = u32(g_text.size());
  return w;
}
