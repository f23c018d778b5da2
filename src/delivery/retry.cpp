// Status classes, Retry-After parsing and jittered exponential backoff.
#include "delivery/retry.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace tf::delivery {

StatusClass classify_status(int status) {
  if (status >= 200 && status <= 299) return StatusClass::delivered;
  if (status <= 0 || status > 999) return StatusClass::retry;
  if (status == 408 || status == 425 || status == 429) return StatusClass::retry;
  if (status == 404) return StatusClass::unknown_event;
  if (status >= 500 && status <= 599) return StatusClass::retry;
  return StatusClass::reject;
}

namespace {

// Reads exactly `n` digits at `pos`; -1 if any is not a digit.
int digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil), so no timegm() and no locale is involved.
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// IMF-fixdate only: "Sun, 06 Nov 1994 08:49:37 GMT" (29 chars). The
// obsolete RFC 850 and asctime forms are not sent by any server we target.
std::optional<int64_t> parse_imf_fixdate(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                            "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29) return std::nullopt;
  if (std::find(kDays.begin(), kDays.end(), s.substr(0, 3)) == kDays.end()) return std::nullopt;
  if (s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
      s[22] != ':' || s.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto month_it = std::find(kMonths.begin(), kMonths.end(), s.substr(8, 3));
  if (month_it == kMonths.end()) return std::nullopt;
  const int month = static_cast<int>(month_it - kMonths.begin()) + 1;
  const int day = digits(s, 5, 2), year = digits(s, 12, 4);
  const int hh = digits(s, 17, 2), mm = digits(s, 20, 2), ss = digits(s, 23, 2);
  if (day < 1 || year < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) {
    return std::nullopt;
  }
  static constexpr std::array<int, 12> kMonthDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  const int max_day = kMonthDays[month - 1] + (month == 2 && leap(year) ? 1 : 0);
  if (day > max_day) return std::nullopt;
  const int64_t secs = days_from_civil(year, month, day) * 86400 + hh * 3600 + mm * 60 + ss;
  return secs * 1000;
}

}  // namespace

std::optional<int64_t> parse_retry_after(std::string_view value, int64_t now_ms) {
  // Header values may arrive with optional whitespace around them.
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;

  if (value.front() >= '0' && value.front() <= '9') {
    // delta-seconds: saturate instead of overflowing; callers cap anyway.
    constexpr int64_t kMaxSeconds = int64_t{1} << 40;
    int64_t secs = 0;
    for (char c : value) {
      if (c < '0' || c > '9') return std::nullopt;
      secs = std::min<int64_t>(kMaxSeconds, secs * 10 + (c - '0'));
    }
    return secs * 1000;
  }
  auto at = parse_imf_fixdate(value);
  if (!at) return std::nullopt;
  return std::max<int64_t>(0, *at - now_ms);
}

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Rng::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

int64_t backoff_delay(int attempts, int64_t base_ms, int64_t max_delay_ms, double jitter,
                      Rng& rng) {
  // Doubling loop instead of a shift: attempts may be large (restored
  // snapshot) and base * 2^n must not overflow.
  int64_t raw = std::max<int64_t>(0, base_ms);
  for (int i = 1; i < attempts && raw < max_delay_ms; ++i) raw *= 2;
  raw = std::min(raw, max_delay_ms);
  const double j = std::clamp(jitter, 0.0, 1.0);
  // Always draw, so the sequence of draws does not depend on the jitter.
  const double factor = 1.0 + j * (2.0 * rng.unit() - 1.0);
  const auto jittered = static_cast<int64_t>(std::llround(static_cast<double>(raw) * factor));
  return std::clamp<int64_t>(jittered, 0, max_delay_ms);
}

}  // namespace tf::delivery
