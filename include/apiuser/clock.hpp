#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace apiuser {

// Every time the library records or compares is a UTC instant with one-second resolution.
using Timestamp = std::chrono::sys_seconds;

// The source of "now", injected so that tests can move time without sleeping.
class Clock {
  public:
    virtual ~Clock() = default;
    virtual Timestamp now() const = 0;
};

// The real wall clock.
class SystemClock final : public Clock {
  public:
    Timestamp now() const override;
};

// Formats `t` as RFC 3339 UTC, for example "2026-11-27T23:06:17Z"; such strings sort by time.
std::string format_timestamp(Timestamp t);

// Parses an RFC 3339 date-time ("2026-11-27T23:06:17Z", "...+01:00", fractional seconds ignored) or a
// bare date ("2026-11-27", meaning its midnight UTC) from `text`; nullopt when it is neither.
std::optional<Timestamp> parse_timestamp(std::string_view text);

// Parses a duration such as "90s", "15m", "24h" or "7d" (one whole number and one unit) from `text`;
// nullopt when it is malformed, zero or negative.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace apiuser
