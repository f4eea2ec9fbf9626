#include <catch2/catch.hpp>

#include <apiuser/clock.hpp>

using namespace apiuser;
using namespace std::chrono_literals;

TEST_CASE("timestamps format as RFC 3339 UTC and parse back", "[clock]") {
    const auto t = parse_timestamp("2026-11-27T23:06:17Z");
    REQUIRE(t);
    CHECK(format_timestamp(*t) == "2026-11-27T23:06:17Z");
    CHECK(t->time_since_epoch().count() == 1795820777);
    CHECK(format_timestamp(Timestamp{}) == "1970-01-01T00:00:00Z");
    // The first and last instants of four-digit years, and beyond them.
    CHECK(format_timestamp(*parse_timestamp("0000-01-01T00:00:00Z")) == "0000-01-01T00:00:00Z");
    CHECK(format_timestamp(*parse_timestamp("9999-12-31T23:59:59Z")) == "9999-12-31T23:59:59Z");
    CHECK(format_timestamp(*parse_timestamp("9999-12-31T23:59:59Z") + 1s) == "10000-01-01T00:00:00Z");
}

TEST_CASE("offsets, fractions and bare dates parse to the right instant", "[clock]") {
    const auto utc = *parse_timestamp("2026-11-27T23:06:17Z");
    CHECK(parse_timestamp("2026-11-28T00:06:17+01:00") == utc);
    CHECK(parse_timestamp("2026-11-27T18:06:17-05:00") == utc);
    CHECK(parse_timestamp("2026-11-27T23:06:17.123456Z") == utc);
    CHECK(parse_timestamp("2026-11-27t23:06:17z") == utc);
    CHECK(parse_timestamp("2026-11-27") == *parse_timestamp("2026-11-27T00:00:00Z"));
    CHECK(parse_timestamp("2024-02-29T12:00:00Z"));
}

TEST_CASE("malformed times are refused", "[clock]") {
    for (const char* text : {"", "2026", "2026-13-01", "2026-02-30", "2023-02-29", "2026-11-27T24:00:00Z",
                             "2026-11-27T23:06Z", "2026-11-27T23:06:17", "2026-11-27T23:06:17+0100",
                             "2026-11-27T23:06:17Zjunk", "yesterday", "2026-11-27T23:06:17.Z", "+2026-11-27",
                             "2026-11-27T-1:06:17Z", "2026-11-27T23:-6:17Z", "2026-11-27T23:06:-7Z"}) {
        INFO(text);
        CHECK_FALSE(parse_timestamp(text));
    }
}

TEST_CASE("formatted timestamps sort in time order", "[clock]") {
    const auto early = *parse_timestamp("2026-09-30T23:59:59Z");
    const auto late = early + 1s;
    CHECK(format_timestamp(early) < format_timestamp(late));
}
