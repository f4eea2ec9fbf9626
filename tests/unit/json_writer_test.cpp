// The streaming JSON writer of `list --json` must print exactly what Console prints for the same document,
// on a terminal (non-ASCII escaped) and in a pipe, whatever the stored text holds.

#include "json_writer.hpp"

#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "console.hpp"

using apiuser::cli::Console;
using apiuser::cli::Json;
using apiuser::cli::JsonWriter;

TEST_CASE("the JSON writer prints what Console prints, byte for byte", "[unit][json]") {
    const std::vector<std::string> values{
        "",
        "Magento Production",
        "quote \" and backslash \\",
        "tab\there, newline\nthere, carriage\rreturn",
        std::string("nul\0byte", 8),
        "\x01\x1f control characters",
        "delete \x7f",
        "caf\xc3\xa9 \xf0\x9f\x9a\x80 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",  // café, a rocket, Hebrew
        "\xe2\x80\xae right-to-left override",
        "invalid \xff\xfe UTF-8 \xc3",
        "\x1b[31mescape sequence\x1b[0m",
    };
    for (const bool terminal : {false, true}) {
        for (const auto& value : values) {
            INFO("terminal " << terminal << ", value "
                             << Json(value).dump(-1, ' ', true, Json::error_handler_t::replace));
            std::ostringstream out, err;
            Console console{out, err, terminal, false, false};
            Json document;
            document["description"] = value;
            document["n"] = -42;
            document["enabled"] = true;
            document["last_used"] = nullptr;
            console.json(document);

            JsonWriter writer{terminal};
            writer.begin_object();
            writer.key("description");
            writer.string(value);
            writer.key("n");
            writer.integer(-42);
            writer.key("enabled");
            writer.boolean(true);
            writer.key("last_used");
            writer.null();
            writer.end_object();
            CHECK(writer.text() + "\n" == out.str());
        }
    }
}
