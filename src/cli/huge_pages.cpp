#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "huge_pages.hpp"

namespace apiuser::cli {

namespace {

constexpr std::string_view hugetlb_tunable = "glibc.malloc.hugetlb";

// A cheap look at the words before parsing: a false positive (a description reading "create") only costs
// one more exec.
bool may_hash_a_password(char* argv[]) {
    for (char** word = argv + 1; *word != nullptr; ++word) {
        const std::string_view text = *word;
        if (text == "create" || text == "passwd" || text == "verify") {
            return true;
        }
    }
    return false;
}

}  // namespace

void prefer_huge_pages_for_hashing(char* argv[]) {
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if ((tunables != nullptr && std::strstr(tunables, hugetlb_tunable.data()) != nullptr) ||
        !may_hash_a_password(argv)) {
        return;
    }
    // Under an address-space limit (ulimit -v), malloc's 2 MiB steps would waste what little there is.
    struct rlimit address_space {};
    if (::getrlimit(RLIMIT_AS, &address_space) != 0 || address_space.rlim_cur != RLIM_INFINITY) {
        return;
    }
    std::string value{hugetlb_tunable};
    value += "=1";
    if (tunables != nullptr && *tunables != '\0') {
        value = std::string{tunables} + ":" + value;
    }
    if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) {
        return;
    }
    ::execv("/proc/self/exe", argv);
    // Not re-executed (no /proc, say): carry on as we were.
    if (tunables != nullptr) {
        ::setenv("GLIBC_TUNABLES", tunables, 1);
    } else {
        ::unsetenv("GLIBC_TUNABLES");
    }
}

}  // namespace apiuser::cli
