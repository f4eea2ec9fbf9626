#include <charconv>

#include <fmt/format.h>

#include <apiuser/clock.hpp>

namespace apiuser {

Timestamp SystemClock::now() const {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string format_timestamp(Timestamp t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss time{t - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       time.hours().count(), time.minutes().count(), time.seconds().count());
}

namespace {

// Reads exactly `digits` decimal digits at `pos` of `text`, advancing `pos`.
std::optional<int> read_number(std::string_view text, std::size_t& pos, std::size_t digits) {
    if (pos + digits > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    const char* first = text.data() + pos;
    const char* last = first + digits;
    auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || end != last) {
        return std::nullopt;
    }
    pos += digits;
    return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view text) {
    std::size_t pos = 0;
    const auto year = read_number(text, pos, 4);
    if (!year || !expect(text, pos, '-')) {
        return std::nullopt;
    }
    const auto month = read_number(text, pos, 2);
    if (!month || !expect(text, pos, '-')) {
        return std::nullopt;
    }
    const auto day = read_number(text, pos, 2);
    if (!day) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{*year},
                                          std::chrono::month{static_cast<unsigned>(*month)},
                                          std::chrono::day{static_cast<unsigned>(*day)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    Timestamp result{std::chrono::sys_days{ymd}};
    if (pos == text.size()) {
        return result;
    }
    if (!expect(text, pos, 'T') && !expect(text, pos, 't') && !expect(text, pos, ' ')) {
        return std::nullopt;
    }
    const auto hour = read_number(text, pos, 2);
    if (!hour || !expect(text, pos, ':')) {
        return std::nullopt;
    }
    const auto minute = read_number(text, pos, 2);
    if (!minute || !expect(text, pos, ':')) {
        return std::nullopt;
    }
    const auto second = read_number(text, pos, 2);
    if (!second || *hour > 23 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    if (expect(text, pos, '.')) {
        const auto start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            ++pos;
        }
        if (pos == start) {
            return std::nullopt;
        }
    }
    result += std::chrono::hours{*hour} + std::chrono::minutes{*minute} + std::chrono::seconds{*second};
    if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
        return pos == text.size() ? std::optional{result} : std::nullopt;
    }
    const bool east = expect(text, pos, '+');
    if (!east && !expect(text, pos, '-')) {
        return std::nullopt;
    }
    const auto offset_hours = read_number(text, pos, 2);
    if (!offset_hours || !expect(text, pos, ':')) {
        return std::nullopt;
    }
    const auto offset_minutes = read_number(text, pos, 2);
    if (!offset_minutes || pos != text.size() || *offset_hours > 23 || *offset_minutes > 59) {
        return std::nullopt;
    }
    const auto offset = std::chrono::hours{*offset_hours} + std::chrono::minutes{*offset_minutes};
    return east ? result - offset : result + offset;
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    if (text.size() < 2) {
        return std::nullopt;
    }
    const char unit = text.back();
    const std::int64_t scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
    std::int64_t count = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size() - 1;
    const auto [end, ec] = std::from_chars(first, last, count);
    // A billion days is far beyond any sane bound and far below overflow.
    if (scale == 0 || ec != std::errc{} || end != last || count <= 0 || count > 1'000'000'000) {
        return std::nullopt;
    }
    return std::chrono::seconds{count * scale};
}

}  // namespace apiuser
