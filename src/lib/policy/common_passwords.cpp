#include "policy/common_passwords.hpp"

#include <algorithm>

namespace apiuser {

bool is_common_password(std::string_view folded) {
    const auto entries = common_passwords();
    return std::binary_search(entries.begin(), entries.end(), folded);
}

}  // namespace apiuser
