// The password policy on any bytes: never crashes, always explains a rejection, and agrees with itself.
// Input: PASSWORD [NUL COMPANY [NUL ACTOR_EMAIL]].

#include <map>
#include <string>
#include <tuple>

#include <apiuser/errors.hpp>
#include <apiuser/password_policy.hpp>

#include "fuzz_support.hpp"

using namespace apiuser;

namespace {

// The message each rule gave for a context: a message that changed with the password could quote it.
// (A message containing the password proves nothing: the fuzzer soon learns to type the messages' words.)
std::map<std::tuple<PasswordRule, std::string, std::string>, std::string> messages_seen;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto fields = fuzz::split_fields(fuzz::as_text(data, size), 3);
    const std::string_view password = fields[0];
    const PasswordContext context{"apiuser-3f9a1c2b7d4e@apiconnector.com",
                                  fields.size() > 1 ? fields[1] : "Acme Widgets Ltd",
                                  fields.size() > 2 ? fields[2] : ""};
    const auto violations = check_password(password, context);
    for (const auto& violation : violations) {
        fuzz::require(!violation.message.empty(), "a violation without a message");
        fuzz::require(!rule_code(violation.rule).empty(), "a violation without a code");
        if (messages_seen.size() > 100000) {
            messages_seen.clear();
        }
        const auto [seen, first] = messages_seen.try_emplace(
            {violation.rule, std::string{context.company_name}, std::string{context.actor_email}}, violation.message);
        fuzz::require(first || seen->second == violation.message, "a violation message depends on the password");
    }
    const Secret normal = normalize_password(password);
    try {
        const Secret enforced = enforce_password_policy(password, context);
        fuzz::require(violations.empty(), "enforce accepted what check rejected");
        fuzz::require(enforced == normal, "enforce and normalize disagree");
        // An accepted password is accepted again once normalised: what is hashed passes the policy too.
        fuzz::require(check_password(normal.view(), context).empty(),
                      "the normal form of an accepted password is rejected");
    } catch (const PasswordRejected& rejected) {
        fuzz::require(!violations.empty(), "enforce rejected what check accepted");
        fuzz::require(rejected.violations().size() == violations.size(), "enforce and check list different violations");
    }
    return 0;
}
