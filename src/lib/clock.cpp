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
    const int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999) {
        return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, static_cast<unsigned>(ymd.month()),
                           static_cast<unsigned>(ymd.day()), time.hours().count(), time.minutes().count(),
                           time.seconds().count());
    }
    // Digit by digit rather than through fmt::format, which costs ten times as much: `list --json` formats
    // three of these per API user.
    std::string text = "0000-00-00T00:00:00Z";
    const auto put = [&text](std::size_t at, std::size_t width, long long value) {
        for (std::size_t i = width; i-- > 0; value /= 10) {
            text[at + i] = static_cast<char>('0' + value % 10);
        }
    };
    put(0, 4, year);
    put(5, 2, static_cast<unsigned>(ymd.month()));
    put(8, 2, static_cast<unsigned>(ymd.day()));
    put(11, 2, time.hours().count());
    put(14, 2, time.minutes().count());
    put(17, 2, time.seconds().count());
    return text;
}

namespace {

// Reads exactly `digits` decimal digits at `pos` of `text`, advancing `pos`.
std::optional<int> read_number(std::string_view text, std::size_t& pos, std::size_t digits) {
    if (pos + digits > text.size()) {
        return std::nullopt;
    }
    // By hand: std::from_chars costs several times as much for two digits, and listing parses four
    // timestamps per API user.
    int value = 0;
    for (const char c : text.substr(pos, digits)) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
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
    const std::chrono::year_month_day ymd{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
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
