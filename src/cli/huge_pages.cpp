#include "huge_pages.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace apiuser::cli {

namespace {

constexpr std::string_view hugetlb_tunable = "glibc.malloc.hugetlb";

// The path the re-exec runs. The kernel keeps the path an execve() was given (AT_EXECFN), so the second run
// knows it is one whatever its environment holds.
constexpr const char* self_path = "/proc/self/exe";

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

// True in the run that the re-exec started.
bool re_executed() {
    const auto* path = reinterpret_cast<const char*>(::getauxval(AT_EXECFN));
    return path != nullptr && std::strcmp(path, self_path) == 0;
}

// The kernel names a process after the file it executes, so the re-exec would show as "exe" in ps and top:
// give it back the name of its program file.
void restore_process_name() {
    std::array<char, 4096> target{};
    const auto length = ::readlink(self_path, target.data(), target.size() - 1);
    if (length <= 0) {
        return;
    }
    std::string_view name{target.data(), static_cast<std::size_t>(length)};
    constexpr std::string_view deleted = " (deleted)";
    if (name.ends_with(deleted)) {
        name.remove_suffix(deleted.size());
    }
    name.remove_prefix(name.rfind('/') + 1);
    const std::string process_name{name.substr(0, 15)};  // the kernel keeps 15 bytes
    ::prctl(PR_SET_NAME, process_name.c_str(), 0, 0, 0);
}

}  // namespace

void prefer_huge_pages_for_hashing(char* argv[]) {
    if (re_executed()) {
        restore_process_name();
        return;
    }
    // A setuid or setgid install (or one with file capabilities) runs in glibc's secure mode, which drops
    // the tunable: a re-exec would gain nothing.
    if (::getauxval(AT_SECURE) != 0 || argv == nullptr || argv[0] == nullptr) {
        return;
    }
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
    ::execv(self_path, argv);
    // Not re-executed (no /proc, say): carry on as we were.
    if (tunables != nullptr) {
        ::setenv("GLIBC_TUNABLES", tunables, 1);
    } else {
        ::unsetenv("GLIBC_TUNABLES");
    }
}

}  // namespace apiuser::cli
