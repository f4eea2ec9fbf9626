#include <algorithm>

#include <fmt/format.h>

#include <apiuser/errors.hpp>
#include <apiuser/username.hpp>

#include "text/ascii.hpp"

namespace apiuser {

namespace {

bool is_hex_id(std::string_view text) {
    return text.size() == api_user_id_length && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace

std::string generate_api_user_id(Random& random) {
    return random_hex(random, api_user_id_length / 2);
}

std::string make_username(std::string_view id, std::string_view domain) {
    return fmt::format("{}{}@{}", username_prefix, id, domain);
}

std::optional<std::string> parse_api_user_reference(std::string_view reference, std::string_view domain) {
    std::string text = to_lower_ascii(reference);
    std::string_view rest = text;
    if (const auto at = rest.find('@'); at != std::string_view::npos) {
        if (rest.substr(at + 1) != to_lower_ascii(domain)) {
            return std::nullopt;
        }
        rest = rest.substr(0, at);
        if (!rest.starts_with(username_prefix)) {
            return std::nullopt;
        }
    }
    if (rest.starts_with(username_prefix)) {
        rest.remove_prefix(username_prefix.size());
    }
    if (!is_hex_id(rest)) {
        return std::nullopt;
    }
    return std::string{rest};
}

void validate_domain(std::string_view domain) {
    auto invalid = [&](std::string_view why) {
        return Error(ErrorKind::invalid_input, fmt::format("invalid domain '{}': {}", domain, why),
                     "give a DNS name such as apiconnector.com");
    };
    if (domain.empty() || domain.size() > 253) {
        throw invalid("a domain has 1 to 253 characters");
    }
    std::size_t label_start = 0;
    for (std::size_t i = 0; i <= domain.size(); ++i) {
        if (i == domain.size() || domain[i] == '.') {
            const auto label = domain.substr(label_start, i - label_start);
            if (label.empty() || label.size() > 63) {
                throw invalid("each dot-separated label has 1 to 63 characters");
            }
            if (label.front() == '-' || label.back() == '-') {
                throw invalid("a label cannot start or end with '-'");
            }
            label_start = i + 1;
            continue;
        }
        const char c = domain[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            throw invalid("use only lowercase letters, digits, '-' and '.'");
        }
    }
    if (domain.find('.') == std::string_view::npos) {
        throw invalid("it needs at least one dot");
    }
}

}  // namespace apiuser
