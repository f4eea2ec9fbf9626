#include <apiuser/api_user.hpp>

namespace apiuser {

std::string_view to_string(ApiUserStatus status) {
    switch (status) {
        case ApiUserStatus::enabled:
            return "enabled";
        case ApiUserStatus::disabled:
            return "disabled";
        case ApiUserStatus::revoked:
            return "revoked";
    }
    return "revoked";
}

std::optional<ApiUserStatus> parse_status(std::string_view text) {
    for (auto status : {ApiUserStatus::enabled, ApiUserStatus::disabled, ApiUserStatus::revoked}) {
        if (text == to_string(status)) {
            return status;
        }
    }
    return std::nullopt;
}

}  // namespace apiuser
