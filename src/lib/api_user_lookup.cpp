#include "api_user_lookup.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include <apiuser/api_users.hpp>
#include <apiuser/errors.hpp>
#include <apiuser/suggestion.hpp>
#include <apiuser/username.hpp>

#include "store/records.hpp"
#include "text/unicode.hpp"

namespace apiuser {

namespace {

constexpr std::size_t max_suggestions = 3;

// Names close to `reference`: ids a typo or two away, or users whose description mentions it.
std::vector<std::string> suggest(store::Records& records, std::string_view reference, std::string_view domain) {
    std::string wanted{reference};
    if (const auto at = wanted.find('@'); at != std::string::npos) {
        wanted.resize(at);
    }
    if (wanted.starts_with(username_prefix)) {
        wanted.erase(0, username_prefix.size());
    }
    // No description (at most 255 characters) contains a reference longer than this, and no id is within two
    // edits of one longer than 14 characters: skip work that would grow with the reference's length times the
    // number of API users, so that a huge mistyped argument costs nothing.
    constexpr std::size_t longest_description_match = 4096;
    const bool may_match_description =
        reference.size() <= longest_description_match && unicode::is_valid_utf8(reference);
    const std::string folded_reference = may_match_description ? unicode::fold(reference) : "";
    const bool may_be_near_id = wanted.size() >= 6 && wanted.size() <= api_user_id_length + 2;
    std::vector<std::string> suggestions;
    records.for_each_api_user(ApiUserFilter{std::nullopt, true}, [&](const ApiUser& user) {
        if (suggestions.size() >= max_suggestions) {
            return;
        }
        const bool near_id = may_be_near_id && edit_distance(wanted, user.id) <= 2;
        const bool in_description =
            folded_reference.size() >= 3 && unicode::fold(user.description).find(folded_reference) != std::string::npos;
        if (near_id || in_description) {
            suggestions.push_back(user.description.empty()
                                      ? make_username(user.id, domain)
                                      : fmt::format("{} ({})", make_username(user.id, domain), user.description));
        }
    });
    return suggestions;
}

}  // namespace

ApiUser find_api_user_by_reference(store::Records& records, std::string_view reference, std::string_view domain) {
    if (const auto id = parse_api_user_reference(reference, domain)) {
        if (auto user = records.find_api_user(*id)) {
            return *user;
        }
    }
    const auto suggestions = suggest(records, reference, domain);
    std::string hint = "see them with 'apiuser list --all'";
    if (!suggestions.empty()) {
        hint = "did you mean ";
        for (std::size_t i = 0; i < suggestions.size(); ++i) {
            hint += (i == 0 ? "" : i + 1 == suggestions.size() ? " or " : ", ") + suggestions[i];
        }
        hint += "?";
    }
    throw Error(ErrorKind::not_found, fmt::format("no API user '{}'", reference), hint);
}

}  // namespace apiuser
