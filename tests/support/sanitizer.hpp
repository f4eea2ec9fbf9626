#pragma once

namespace apiuser::test {

// True in the AddressSanitizer+UBSan build, where every process starts several times slower: the heaviest
// loops run fewer rounds there, and the few checks that the sanitizers themselves defeat are skipped.
#ifdef APIUSER_TEST_SANITIZED
inline constexpr bool sanitizer_build = true;
#else
inline constexpr bool sanitizer_build = false;
#endif

}  // namespace apiuser::test
