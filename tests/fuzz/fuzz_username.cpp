// Parsing API-user references, and validating domains, logins and emails, on any bytes.
// Input: REFERENCE [NUL DOMAIN].

#include <algorithm>

#include <apiuser/account.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/members.hpp>
#include <apiuser/username.hpp>

#include "fuzz_support.hpp"

using namespace apiuser;

namespace {

bool is_lower_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

template <class F>
bool accepted(F&& validate) {
    try {
        validate();
        return true;
    } catch (const Error& e) {
        fuzz::require(e.kind() == ErrorKind::invalid_input, "a validation error that is not invalid_input");
        return false;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto fields = fuzz::split_fields(fuzz::as_text(data, size), 2);
    const std::string_view reference = fields[0];
    const bool domain_given = fields.size() > 1;
    const std::string_view domain = domain_given ? fields[1] : default_api_user_domain;
    const bool domain_ok = accepted([&] { validate_domain(domain); });

    if (const auto id = parse_api_user_reference(reference, domain)) {
        fuzz::require(id->size() == api_user_id_length && is_lower_hex(*id),
                      "an id that is not 12 lowercase hex digits");
        // The id names the user however it is written.
        if (domain_ok) {
            const auto username = make_username(*id, domain);
            fuzz::require(parse_api_user_reference(username, domain) == id, "a username does not parse back to its id");
            fuzz::require(parse_api_user_reference(*id, domain) == id, "an id does not parse as itself");
        }
    }
    const bool login_ok = accepted([&] { validate_login(reference); });
    if (login_ok) {
        // Up to 255 characters: SSSD and winbind names such as "dave@corp.example" run long.
        fuzz::require(!reference.empty() && reference.size() <= 255 && reference.front() != '-',
                      "a bad login accepted");
        fuzz::require(reference.find_first_of(" /;|&$()`'\"\\\n") == std::string_view::npos ||
                          (reference.back() == '$' && reference.find('$') == reference.size() - 1),
                      "a login with shell or path characters accepted");
    }
    const bool email_ok = accepted([&] { validate_email(reference); });
    if (email_ok) {
        fuzz::require(reference.find('@') != std::string_view::npos && reference.size() <= 254, "a bad email accepted");
        fuzz::require(
            std::none_of(reference.begin(), reference.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == ' ' || c == 0x7f; }),
            "an email with spaces or controls accepted");
    }
    return 0;
}
