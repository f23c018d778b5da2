// The edit diff (src/diff/): known cases, minimality against a brute-force
// LCS on seeded random pairs, segments that rebuild the edited text,
// feedback caps and privacy, the cost budget, and a 100 KB prose answer.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "diff/diff.hpp"
#include "diff/feedback_json.hpp"
#include "diff/utf8.hpp"

using nlohmann::json;
using tf::diff::diff;
using tf::diff::DiffOptions;
using tf::diff::DiffResult;
using tf::diff::EditOp;

namespace {

// Indel distance n + m - 2 * LCS, by the textbook O(nm) table (two rows).
std::size_t brute_distance(const std::u32string& a, const std::u32string& b) {
  std::vector<std::size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    }
    std::swap(prev, cur);
  }
  return a.size() + b.size() - 2 * prev[b.size()];
}

std::u32string code_points(const std::string& s) {
  const auto v = tf::diff::decode_utf8(s);
  return {v.begin(), v.end()};
}

std::string utf8(const std::u32string& s) {
  return tf::diff::encode_utf8(s.data(), s.data() + s.size());
}

// Applies the segments to the original and checks each one's bookkeeping
// on the way; returns the rebuilt edited text (as valid UTF-8).
std::string apply_segments(const std::string& original, const DiffResult& r) {
  const std::u32string a = code_points(original);
  std::u32string out;
  std::size_t pos = 0;
  for (const auto& s : r.segments) {
    REQUIRE(s.at >= pos);
    REQUIRE(s.at + s.from_len <= a.size());
    REQUIRE(s.at_edited == out.size() + (s.at - pos));
    REQUIRE(utf8(a.substr(s.at, s.from_len)) == s.from);
    REQUIRE(code_points(s.value).size() == s.value_len);
    REQUIRE((s.from_len > 0 || s.value_len > 0));
    const EditOp expected_op = s.from_len == 0    ? EditOp::kInsert
                               : s.value_len == 0 ? EditOp::kDelete
                                                  : EditOp::kReplace;
    REQUIRE(s.op == expected_op);
    out += a.substr(pos, s.at - pos);
    out += code_points(s.value);
    pos = s.at + s.from_len;
  }
  out += a.substr(pos);
  return utf8(out);
}

std::string random_text(std::mt19937& rng, std::size_t len, const std::string& alphabet) {
  std::string s;
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (std::size_t i = 0; i < len; ++i) s += alphabet[pick(rng)];
  return s;
}

// A random edit of `s`: a few deletions, insertions and substitutions, so
// pairs share structure as real edits do (fully random pairs are rare).
std::string mutate(std::mt19937& rng, std::string s, const std::string& alphabet, int edits) {
  std::uniform_int_distribution<int> kind(0, 2);
  for (int e = 0; e < edits; ++e) {
    std::uniform_int_distribution<std::size_t> where(0, s.size());
    const std::size_t at = where(rng);
    const std::string piece = random_text(rng, 1 + rng() % 4, alphabet);
    switch (kind(rng)) {
      case 0: s.erase(at, 1 + rng() % 4); break;
      case 1: s.insert(at, piece); break;
      default: s.replace(at, 1 + rng() % 3, piece); break;
    }
  }
  return s;
}

json feedback(const std::string& a, const std::string& b, const DiffOptions& o = {}) {
  return tf::diff::to_feedback(diff(a, b, o), o);
}

}  // namespace

TEST_CASE("diff: empty and identical texts", "[diff]") {
  const DiffResult r = diff("", "");
  CHECK(r.edit_distance == 0);
  CHECK(r.similarity == 1.0);
  CHECK(r.exact);
  CHECK(r.segments.empty());

  const DiffResult same = diff("same text", "same text");
  CHECK(same.edit_distance == 0);
  CHECK(same.similarity == 1.0);
  CHECK(same.segments.empty());

  const json f = feedback("", "");
  CHECK(f["edits"] == json::array());
  CHECK(f["edit_stats"]["segments"] == 0);
  CHECK(f["edit_stats"]["similarity"] == 1.0);
}

TEST_CASE("diff: insert-only and delete-only", "[diff]") {
  const DiffResult ins = diff("", "abc");
  CHECK(ins.edit_distance == 3);
  CHECK(ins.inserted == 3);
  CHECK(ins.deleted == 0);
  CHECK(ins.similarity == 0.0);
  REQUIRE(ins.segments.size() == 1);
  CHECK(ins.segments[0].op == EditOp::kInsert);
  CHECK(ins.segments[0].value == "abc");

  const DiffResult word = diff("hello world", "hello big world");
  CHECK(word.edit_distance == 4);
  REQUIRE(word.segments.size() == 1);
  CHECK(word.segments[0].op == EditOp::kInsert);
  CHECK(word.segments[0].at == 6);
  CHECK(word.segments[0].value == "big ");

  const DiffResult del = diff("hello big world", "hello world");
  CHECK(del.edit_distance == 4);
  CHECK(del.deleted == 4);
  CHECK(del.inserted == 0);
  REQUIRE(del.segments.size() == 1);
  CHECK(del.segments[0].op == EditOp::kDelete);
  CHECK(del.segments[0].from == "big ");
  CHECK(del.similarity == Approx(1.0 - 4.0 / 26.0));

  const json f = feedback("hello big world", "hello world");
  CHECK(f["edits"][0] == json::parse(R"({"op":"delete","at":6,"from":"big "})"));
}

TEST_CASE("diff: NYC becomes one word-level replace", "[diff]") {
  const std::string a = "I live in NYC.", b = "I live in New York.";
  const DiffResult r = diff(a, b);
  CHECK(r.edit_distance == brute_distance(code_points(a), code_points(b)));
  CHECK(r.exact);
  REQUIRE(r.segments.size() == 1);
  CHECK(r.segments[0].op == EditOp::kReplace);
  CHECK(r.segments[0].at == 10);
  CHECK(r.segments[0].from == "NYC");
  CHECK(r.segments[0].value == "New York");

  const json f = feedback(a, b);
  CHECK(f["edits"] == json::parse(R"([{"op":"replace","at":10,"from":"NYC","value":"New York"}])"));
  CHECK(f["edit_stats"]["edit_distance"] == r.edit_distance);
  CHECK(f["edit_stats"]["exact"] == true);
  CHECK(f["edit_stats"]["truncated"] == false);
}

TEST_CASE("diff: word-level segments for typical edits", "[diff]") {
  // Typo fix inside a word: the whole word is named.
  const DiffResult typo = diff("Fix teh bug now", "Fix the bug now");
  REQUIRE(typo.segments.size() == 1);
  CHECK(typo.segments[0].from == "teh");
  CHECK(typo.segments[0].value == "the");
  CHECK(typo.edit_distance == 2);

  // A number changed in place.
  const DiffResult num = diff("The answer is 42.", "The answer is 43.");
  REQUIRE(num.segments.size() == 1);
  CHECK(num.segments[0].from == "42");
  CHECK(num.segments[0].value == "43");
  CHECK(num.edit_distance == 2);

  // Two edits far apart stay two segments.
  const DiffResult two = diff("The cat sat on the mat in the sun all day long.",
                              "The dog sat on the mat in the sun all day, happily.");
  REQUIRE(two.segments.size() == 2);
  CHECK(two.segments[0].from == "cat");
  CHECK(two.segments[0].value == "dog");
}

TEST_CASE("diff: emoji and CJK count as one code point each", "[diff]") {
  const DiffResult emoji = diff("I like \xF0\x9F\x8D\x95!", "I like \xF0\x9F\x8D\xA3!");  // pizza -> sushi
  CHECK(emoji.edit_distance == 2);
  CHECK(emoji.original_len == 9);
  REQUIRE(emoji.segments.size() == 1);
  CHECK(emoji.segments[0].at == 7);
  CHECK(emoji.segments[0].from == "\xF0\x9F\x8D\x95");
  CHECK(emoji.segments[0].value == "\xF0\x9F\x8D\xA3");

  // 今天天气很好 -> 今天天气不好: one ideograph, and no stretch over the run.
  const DiffResult cjk = diff("\xE4\xBB\x8A\xE5\xA4\xA9\xE5\xA4\xA9\xE6\xB0\x94\xE5\xBE\x88\xE5\xA5\xBD",
                              "\xE4\xBB\x8A\xE5\xA4\xA9\xE5\xA4\xA9\xE6\xB0\x94\xE4\xB8\x8D\xE5\xA5\xBD");
  CHECK(cjk.edit_distance == 2);
  REQUIRE(cjk.segments.size() == 1);
  CHECK(cjk.segments[0].at == 4);
  CHECK(cjk.segments[0].from == "\xE5\xBE\x88");
  CHECK(cjk.segments[0].value == "\xE4\xB8\x8D");

  // Accented Latin is part of words: "café" -> "cafés" names the word.
  const DiffResult accent = diff("un caf\xC3\xA9 noir", "un caf\xC3\xA9s noir");
  CHECK(accent.edit_distance == 1);
  REQUIRE(accent.segments.size() == 1);
  CHECK(accent.segments[0].from == "caf\xC3\xA9");
}

TEST_CASE("utf8: invalid bytes decode as one U+FFFD each", "[diff][utf8]") {
  using tf::diff::decode_utf8;
  CHECK(decode_utf8("a\xFF" "b") == std::vector<char32_t>{'a', 0xFFFD, 'b'});
  CHECK(decode_utf8("\xE2\x82") == std::vector<char32_t>{0xFFFD, 0xFFFD});          // truncated
  CHECK(decode_utf8("\xC0\xAF") == std::vector<char32_t>{0xFFFD, 0xFFFD});          // overlong
  CHECK(decode_utf8("\xED\xA0\x80") == std::vector<char32_t>(3, 0xFFFD));           // surrogate
  CHECK(decode_utf8("\xF4\x90\x80\x80") == std::vector<char32_t>(4, 0xFFFD));       // > U+10FFFF
  CHECK(decode_utf8("\x80") == std::vector<char32_t>{0xFFFD});                      // lone continuation
  CHECK(decode_utf8("\xE2\x82\xAC") == std::vector<char32_t>{0x20AC});              // euro sign
  CHECK(decode_utf8("\xF0\x9F\x98\x80") == std::vector<char32_t>{0x1F600});
  CHECK(decode_utf8(std::string("a\0b", 3)) == std::vector<char32_t>{'a', 0, 'b'});

  const DiffResult r = diff("ab\xFF\xFE" "cd", "abcd");
  CHECK(r.edit_distance == 2);
  REQUIRE(r.segments.size() == 1);
  CHECK(r.segments[0].at == 2);
  CHECK(r.segments[0].from == "\xEF\xBF\xBD\xEF\xBF\xBD");  // valid UTF-8 out
  // The JSON text stays valid and parseable.
  const json parsed = json::parse(tf::diff::diff_json("ab\xFF" "cd", "ab\xC3" "cd", ""));
  CHECK(parsed["edit_stats"]["edit_distance"] == 0);  // both bad bytes read as U+FFFD
}

TEST_CASE("diff: edit_distance equals brute-force LCS distance", "[diff][random]") {
  std::mt19937 rng(20240611);
  const std::vector<std::string> alphabets = {"ab", "abcd", "abcdefghijklmnopqrstuvwxyz ",
                                              "a\xC3\xA9"};  // a, 0xC3, 0xA9: invalid bytes too
  for (int round = 0; round < 600; ++round) {
    const std::string& alphabet = alphabets[static_cast<std::size_t>(round) % alphabets.size()];
    const std::string a = random_text(rng, rng() % 301, alphabet);
    const std::string b = round % 3 == 0 ? random_text(rng, rng() % 301, alphabet)
                                         : mutate(rng, a, alphabet, 1 + static_cast<int>(rng() % 12));
    const std::size_t expected = brute_distance(code_points(a), code_points(b));
    for (bool semantic : {true, false}) {
      DiffOptions o;
      o.semantic_cleanup = semantic;
      const DiffResult r = diff(a, b, o);
      INFO("round " << round << " semantic " << semantic);
      REQUIRE(r.exact);
      REQUIRE(r.edit_distance == expected);
      REQUIRE(r.inserted + r.deleted == r.edit_distance);
      REQUIRE(code_points(a).size() + r.inserted - r.deleted == code_points(b).size());
      REQUIRE(apply_segments(a, r) == utf8(code_points(b)));
    }
  }
}

TEST_CASE("to_feedback: segment caps and text truncation", "[diff][feedback]") {
  // 30 separate word edits.
  std::string a, b;
  for (int i = 0; i < 30; ++i) {
    a += "keep this part " + std::to_string(i) + " old; ";
    b += "keep this part " + std::to_string(i) + " new; ";
  }
  const DiffResult r = diff(a, b);
  REQUIRE(r.segments.size() == 30);
  CHECK(apply_segments(a, r) == b);

  const json f = tf::diff::to_feedback(r, DiffOptions{});
  CHECK(f["edits"].size() == 20);
  CHECK(f["edit_stats"]["segments"] == 30);
  CHECK(f["edit_stats"]["truncated"] == true);
  CHECK(f["edits"][0] == json::parse(R"({"op":"replace","at":17,"from":"old","value":"new"})"));

  DiffOptions few;
  few.max_segments = 0;
  const json none = tf::diff::to_feedback(r, few);
  CHECK(none["edits"] == json::array());
  CHECK(none["edit_stats"]["segments"] == 30);

  // One long replacement, cut by code points (emoji stay whole).
  std::string long_from, long_value;
  for (int i = 0; i < 300; ++i) long_from += "x";
  for (int i = 0; i < 250; ++i) long_value += "\xF0\x9F\x98\x80";
  DiffOptions cut;
  cut.max_segment_chars = 10;
  const json t = feedback("<" + long_from + ">", "<" + long_value + ">", cut);
  REQUIRE(t["edits"].size() == 1);
  const json& e = t["edits"][0];
  CHECK(e["from"] == std::string(10, 'x'));
  CHECK(code_points(e["value"].get<std::string>()).size() == 10);
  CHECK(e["truncated"] == true);
  CHECK(e["from_len"] == 300);
  CHECK(e["value_len"] == 250);
  CHECK(t["edit_stats"]["truncated"] == true);
  CHECK(t["edit_stats"]["edit_distance"] == 550);
}

TEST_CASE("to_feedback: include_text=false carries no text", "[diff][feedback]") {
  DiffOptions o;
  o.include_text = false;
  const json f = feedback("I live in NYC. Call me.", "I live in New York. Call me!", o);
  REQUIRE(f["edits"].size() == 2);
  CHECK(f["edits"][0] == json::parse(R"({"op":"replace","at":10,"from_len":3,"value_len":8})"));
  for (const auto& e : f["edits"]) {
    CHECK_FALSE(e.contains("from"));
    CHECK_FALSE(e.contains("value"));
  }
  const std::string text = f.dump();
  CHECK(text.find("NYC") == std::string::npos);
  CHECK(text.find("York") == std::string::npos);
}

TEST_CASE("to_feedback: shape fits HoneyHive feedback limits", "[diff][feedback]") {
  const json f = feedback("a b c", "a x c");
  REQUIRE(f.is_object());
  CHECK(f.size() == 2);
  CHECK(f["edits"].is_array());
  for (const auto& e : f["edits"]) {
    REQUIRE(e.is_object());
    for (const auto& leaf : e) CHECK((leaf.is_string() || leaf.is_number() || leaf.is_boolean()));
  }
  for (const auto& leaf : f["edit_stats"]) CHECK((leaf.is_number() || leaf.is_boolean()));
  for (const char* key : {"edit_distance", "similarity", "inserted", "deleted", "segments",
                          "truncated", "exact"}) {
    CHECK(f["edit_stats"].contains(key));
  }
}

TEST_CASE("diff_json: options and errors as data", "[diff][json]") {
  using tf::diff::diff_json;
  const json ok = json::parse(diff_json("I live in NYC.", "I live in New York.", ""));
  CHECK(ok["edits"][0]["value"] == "New York");

  const json opts = json::parse(diff_json("I live in NYC.", "I live in New York.",
                                          R"({"includeText":false,"maxSegments":5,"maxSegmentChars":3,"maxCost":1000})"));
  CHECK_FALSE(opts["edits"][0].contains("value"));
  CHECK(opts["edits"][0]["value_len"] == 8);

  const json cut = json::parse(diff_json("I live in NYC.", "I live in New York.", R"({"maxSegmentChars":3})"));
  CHECK(cut["edits"][0]["value"] == "New");
  CHECK(cut["edits"][0]["truncated"] == true);

  struct Bad {
    const char* options;
    const char* path;
  };
  for (const Bad& bad : {Bad{"{", ""}, Bad{"[]", ""}, Bad{"42", ""},
                         Bad{R"({"maxSegments":-1})", "maxSegments"},
                         Bad{R"({"maxSegments":2.5})", "maxSegments"},
                         Bad{R"({"maxSegments":"3"})", "maxSegments"},
                         Bad{R"({"maxSegments":100000})", "maxSegments"},
                         Bad{R"({"maxSegmentChars":null})", "maxSegmentChars"},
                         Bad{R"({"includeText":1})", "includeText"},
                         Bad{R"({"maxCost":-5})", "maxCost"},
                         Bad{R"({"max_segments":3})", "max_segments"}}) {
    INFO(bad.options);
    const json e = json::parse(diff_json("a", "b", bad.options));
    REQUIRE(e.contains("error"));
    CHECK(e["error"]["code"] == "invalid_options");
    CHECK(e["error"]["message"].get<std::string>().size() > 0);
    CHECK(e["error"].value("path", std::string()) == bad.path);
  }
}

TEST_CASE("diff: cost budget falls back to a non-minimal script", "[diff][budget]") {
  std::mt19937 rng(7);
  const std::string a = random_text(rng, 3000, "abcd");
  const std::string b = random_text(rng, 3000, "abcd");
  const std::size_t minimal = diff(a, b).edit_distance;
  REQUIRE(diff(a, b).exact);

  for (std::uint64_t cost : {std::uint64_t{0}, std::uint64_t{1000}, std::uint64_t{100000}}) {
    DiffOptions o;
    o.max_cost = cost;
    const DiffResult r = diff(a, b, o);
    INFO("max_cost " << cost);
    CHECK_FALSE(r.exact);
    CHECK(r.edit_distance >= minimal);
    CHECK(r.edit_distance <= 6000);
    CHECK(apply_segments(a, r) == b);
    CHECK(tf::diff::to_feedback(r, o)["edit_stats"]["exact"] == false);
  }

  // Budget 0: only the cheap bounded search, which still finds small edits.
  DiffOptions zero;
  zero.max_cost = 0;
  const DiffResult z = diff("start xyz end", "start abc end", zero);
  CHECK(z.edit_distance == 6);
  REQUIRE(z.segments.size() == 1);
  CHECK(z.segments[0].at == 6);
  CHECK(z.segments[0].from == "xyz");

  // A pathological pair (two unrelated 100 KB texts) cannot freeze the page.
  const std::string big_a = random_text(rng, 100000, "abcd");
  const std::string big_b = random_text(rng, 100000, "abcd");
  const auto t0 = std::chrono::steady_clock::now();
  const DiffResult big = diff(big_a, big_b);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - t0).count();
  CHECK_FALSE(big.exact);
  CHECK(apply_segments(big_a, big) == big_b);
  CHECK(ms < 2000);  // generous for sanitizer builds; ~tens of ms optimized
}

namespace {

// Seeded prose of ~`bytes` bytes. Edits replace, delete or insert whole
// words. Every inserted code point is outside the original's alphabet
// (UPPERCASE words, joined by a no-break space), so the LCS is exactly the
// original's surviving text and the minimal distance is known:
// D = deleted code points + inserted code points.
struct Prose {
  std::string original, edited;
  std::size_t expected_distance = 0;
};

Prose make_prose(std::uint32_t seed, std::size_t bytes, int edit_every_words) {
  static const char* const kWords[] = {
      "the", "model", "answer", "should", "be", "concise", "and", "accurate", "when",
      "users", "ask", "about", "data", "retrieval", "pipelines", "latency", "budget",
      "we", "recommend", "caching", "embeddings", "in", "a", "vector", "store", "with",
      "metadata", "filters", "so", "that", "queries", "remain", "fast", "under", "load"};
  static const char* const kNew[] = {"NEW", "FAST", "CACHE", "LLM", "RAG", "API", "QUERY"};
  std::mt19937 rng(seed);
  Prose p;
  std::size_t word = 0;
  while (p.original.size() < bytes) {
    std::string w = kWords[rng() % (sizeof kWords / sizeof *kWords)];
    if (++word % 12 == 0) w += ".";
    w += ' ';
    p.original += w;
    if (rng() % static_cast<std::uint32_t>(edit_every_words) != 0) {
      p.edited += w;
      continue;
    }
    const std::string fresh = kNew[rng() % (sizeof kNew / sizeof *kNew)];
    switch (rng() % 3) {
      case 0:  // replace the word; its trailing space survives
        p.edited += fresh + " ";
        p.expected_distance += (w.size() - 1) + fresh.size();
        break;
      case 1:  // delete it
        p.expected_distance += w.size();
        break;
      default:  // insert a new word after it
        p.edited += w + fresh + "\xC2\xA0";
        p.expected_distance += fresh.size() + 1;
        break;
    }
  }
  return p;
}

}  // namespace

TEST_CASE("diff: 100 KB prose with scattered word edits", "[diff][large]") {
  // ~1% of words edited: exact within the default budget.
  const Prose p = make_prose(142, 100 * 1024, 100);
  const DiffResult r = diff(p.original, p.edited);
  CHECK(r.exact);
  CHECK(r.edit_distance == p.expected_distance);
  CHECK(apply_segments(p.original, r) == p.edited);
  const json f = tf::diff::to_feedback(r, DiffOptions{});
  CHECK(f["edits"].size() == 20);
  CHECK(f["edit_stats"]["truncated"] == true);
  CHECK(f["edit_stats"]["segments"] == r.segments.size());

  // ~5% (D ~ 5600) is past the default budget: a close, flagged answer.
  const Prose heavy = make_prose(62, 100 * 1024, 20);
  const DiffResult h = diff(heavy.original, heavy.edited);
  CHECK_FALSE(h.exact);
  CHECK(h.edit_distance >= heavy.expected_distance);
  CHECK(h.edit_distance <= 4 * heavy.expected_distance);  // local, not "replace all"
  CHECK(h.similarity > 0.9);
  CHECK(apply_segments(heavy.original, h) == heavy.edited);
  // With room to work it is exact again.
  DiffOptions roomy;
  roomy.max_cost = 200'000'000;
  const DiffResult e = diff(heavy.original, heavy.edited, roomy);
  CHECK(e.exact);
  CHECK(e.edit_distance == heavy.expected_distance);
}
