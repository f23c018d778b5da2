// The limits a feedback object is checked against. The depth limits are
// HoneyHive's; the byte caps are ours, chosen so one update always fits a
// keepalive request (64 KiB budget shared by everything the page sends
// while it unloads).
#pragma once

#include <cstddef>
#include <optional>

namespace tf {

struct Limits {
  // Nested objects below the top-level feedback object (HoneyHive: 5).
  int max_object_depth = 5;
  // Nested arrays on any path (HoneyHive: 2).
  int max_array_depth = 2;
  std::size_t max_key_bytes = 128;
  std::size_t max_string_bytes = 16 * 1024;
  // Serialized size of the whole feedback object.
  std::size_t max_total_bytes = 60 * 1024;
  // Reported violations are capped so hostile input cannot make a huge
  // error list; one final "too_many_issues" entry says so.
  std::size_t max_issues = 50;
  // Optional range for the well-known `score` field, e.g. stars 1..5.
  std::optional<double> score_min;
  std::optional<double> score_max;
};

}  // namespace tf
