#pragma once

#include <string>

namespace apiuser::crypto {

// The version of the Botan library in use, as major.minor.patch.
std::string botan_version();

}  // namespace apiuser::crypto
