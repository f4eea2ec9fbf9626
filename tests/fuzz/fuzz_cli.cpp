// The whole command line, in process: run() with any arguments on a temporary store holding an account, a
// plain member and API users in each status. Input: the arguments, separated by NUL bytes.
//
// Every file the fuzzer can make apiuser touch stays in a private temporary directory: arguments with a
// '/' are skipped, so relative paths are all there is, and the working directory is that temporary one.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apiuser/account.hpp>
#include <apiuser/api_users.hpp>
#include <apiuser/members.hpp>

#include "fixed_random.hpp"
#include "fuzz_support.hpp"
#include "manual_clock.hpp"
#include "run.hpp"

using namespace apiuser;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_arguments = 24;
constexpr const char* store_name = "store.db";

fs::path work_dir;
std::string template_bytes;

std::string current_login() {
    const passwd* entry = ::getpwuid(::geteuid());
    return entry != nullptr ? entry->pw_name : "root";
}

// The store every input starts from. Its ids come from a fixed seed, so that the seed corpus and the
// dictionary can name them (see tests/fuzz/cli.dict).
void make_template() {
    const auto path = work_dir / "template.db";
    test::ManualClock clock;
    test::FixedRandom random{7};
    NewAccount account;
    account.company = "Acme Widgets Ltd";
    account.owner_login = current_login();
    account.argon2 = {8, 1, 1};
    init_account(path, account, clock);
    {
        Store store = Store::open(path);
        Session session{store, account.owner_login, clock, random};
        add_member(session, {"plain", "plain@acme.example", false, true});
        add_member(session, {"admin", "", true, true});
        std::vector<std::string> names;
        for (const char* description : {"Magento Production", "Dynamics CRM", "Old integration"}) {
            names.push_back(create_api_user(session, {description, false, Secret{"Str0ng-enough!"}}).user.username);
        }
        set_enabled(session, std::span{names}.subspan(1, 1), false);
        revoke(session, std::span{names}.subspan(2, 1));
        if (std::getenv("APIUSER_FUZZ_PRINT_IDS") != nullptr) {
            for (const auto& name : names) {
                std::fprintf(stderr, "%s\n", name.c_str());
            }
        }
    }
    std::ifstream file{path, std::ios::binary};
    std::ostringstream bytes;
    bytes << file.rdbuf();
    template_bytes = bytes.str();
}

// Puts the template back as the store and removes whatever the previous input created.
void reset_work_dir() {
    for (const auto& entry : fs::directory_iterator(work_dir)) {
        if (entry.path().filename() != "template.db") {
            fs::remove_all(entry.path());
        }
    }
    const int fd = ::open(store_name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    fuzz::require(fd >= 0, "cannot write the store");
    fuzz::require(
        ::write(fd, template_bytes.data(), template_bytes.size()) == static_cast<ssize_t>(template_bytes.size()),
        "cannot write the store");
    ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    char pattern[] = "/tmp/apiuser-fuzz-XXXXXX";
    fuzz::require(::mkdtemp(pattern) != nullptr, "mkdtemp failed");
    work_dir = pattern;
    fuzz::require(::chdir(work_dir.c_str()) == 0, "chdir failed");
    // Nothing may wait for a person: standard input is empty, and there is no terminal.
    const int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, STDIN_FILENO);
    ::close(null);
    ::setenv("APIUSER_STORE", store_name, 1);
    ::setenv("HOME", work_dir.c_str(), 1);
    ::unsetenv("XDG_DATA_HOME");
    ::unsetenv("APIUSER_BUSY_TIMEOUT_MS");
    make_template();
    // The directory goes when the fuzzer ends, however it ends.
    std::atexit([] {
        std::error_code ignored;
        fs::remove_all(work_dir, ignored);
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto fields = fuzz::split_fields(fuzz::as_text(data, size), max_arguments);
    std::vector<std::string> args{"apiuser"};
    for (const auto field : fields) {
        if (field.find('/') != std::string_view::npos) {
            return -1;  // could reach outside the temporary directory: not worth running (and not kept)
        }
        args.emplace_back(field);
    }
    reset_work_dir();
    std::vector<const char*> argv;
    for (const auto& arg : args) {
        argv.push_back(arg.c_str());
    }
    std::ostringstream out, err;
    const int code = cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
    const auto errors = err.str();
    fuzz::require(code >= 0 && code <= 7, "an exit code outside the documented table");
    // A line that starts as run() reports an unexpected exception. Arguments quoted in ordinary errors may
    // hold these very words (the fuzzer soon types them), but never at the start of a line: a newline in
    // an argument is printed escaped.
    constexpr std::string_view internal_error = "apiuser: error: internal error: ";
    fuzz::require(
        !errors.starts_with(internal_error) && errors.find("\n" + std::string{internal_error}) == std::string::npos,
        "an internal error escaped a command");
    if (code != 0) {
        fuzz::require(out.str().empty() || errors.find("cannot write") != std::string::npos,
                      "a failing command printed a result");
        fuzz::require(!errors.empty(), "a failing command said nothing");
    }
    return 0;
}
