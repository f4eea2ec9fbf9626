// The huge-pages re-exec (src/cli/huge_pages.hpp): a hashing command starts itself again at most once,
// whatever its environment or install does, and keeps its process name; a setgid install, in glibc's
// secure mode, is never re-executed at all.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expect.hpp"
#include "reliability.hpp"
#include "sandbox.hpp"

using apiuser::reliability::Child;
using apiuser::reliability::piped_stdin;
using apiuser::reliability::read_file;
using apiuser::reliability::running_as_root;
using apiuser::test::describe;
using apiuser::test::lines_of;
using apiuser::test::ProcessOptions;
using apiuser::test::ProcessResult;
using apiuser::test::Sandbox;
namespace fs = std::filesystem;

namespace {

// The name the kernel gives a process that executes `binary`: its file name, cut to 15 bytes.
std::string process_name_of(const std::string& binary) {
    return fs::path{binary}.filename().string().substr(0, 15);
}

// True when strace can trace here (it needs ptrace, which some containers forbid).
bool strace_works() {
#ifdef APIUSER_STRACE
    return apiuser::test::run_process({APIUSER_STRACE, "-qq", "-o", "/dev/null", "/bin/true"}, {}).exit_code == 0;
#else
    return false;
#endif
}

struct TracedRun {
    ProcessResult result;
    std::vector<std::string> execs;  // the path of each successful execve of apiuser, in order; empty without strace
};

// Runs `binary` with `args` on `s`'s store, under strace when it works, recording every successful execve
// of `binary` (after timeout's own). timeout kills the command after 20 s, so that a command that starts
// itself again for ever fails the test instead of hanging it or outliving it.
TracedRun traced_run(const Sandbox& s, const std::string& binary, const std::vector<std::string>& args) {
    TracedRun run;
    const auto log = s.dir() / "execve.log";
    std::vector<std::string> argv;
#ifdef APIUSER_STRACE
    if (strace_works()) {
        argv = {APIUSER_STRACE, "-f", "-qq", "-e", "trace=execve", "-e", "status=successful", "-o", log.string()};
    }
#endif
    argv.insert(argv.end(), {"/usr/bin/timeout", "-s", "KILL", "20", binary});
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions options;
    options.env = s.environment();
    run.result = apiuser::test::run_process(argv, options);
    for (const auto& line : lines_of(read_file(log))) {
        const auto start = line.find("execve(\"");
        if (start != std::string::npos) {
            const auto path = line.substr(start + 8);
            run.execs.push_back(path.substr(0, path.find('"')));
        }
    }
    if (!run.execs.empty()) {
        run.execs.erase(run.execs.begin());  // timeout itself
    }
    return run;
}

// The system call `pid` is blocked in and its first argument, from /proc/PID/syscall ("0 0x0 ..." while it
// reads standard input).
std::string blocked_in(pid_t pid) {
    std::istringstream fields{read_file(fmt::format("/proc/{}/syscall", pid))};
    std::string number, first_argument;
    fields >> number >> first_argument;
    return number + " " + first_argument;
}

// Runs `path` with exactly `argv` (which may be empty, or start with an empty string) and the environment
// `env`; returns the wait status.
int wait_status_of(const std::string& path, const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& env) {
    std::vector<std::string> strings = argv;
    std::vector<char*> argv_pointers;
    for (auto& word : strings) {
        argv_pointers.push_back(word.data());
    }
    argv_pointers.push_back(nullptr);
    std::vector<std::string> assignments;
    for (const auto& [key, value] : env) {
        assignments.push_back(key + "=" + value);
    }
    std::vector<char*> env_pointers;
    for (auto& assignment : assignments) {
        env_pointers.push_back(assignment.data());
    }
    env_pointers.push_back(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, STDIN_FILENO);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        ::execve(path.c_str(), argv_pointers.data(), env_pointers.data());
        ::_exit(127);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return status;
}

}  // namespace

TEST_CASE("huge pages: a hashing command starts itself again once, as /proc/self/exe", "[reliability][huge-pages]") {
    if (!strace_works()) {
        WARN("skipped: strace is missing or cannot trace here");
        return;
    }
    Sandbox s;
    s.init();
    const auto run = traced_run(s, apiuser::test::apiuser_binary(), {"create", "--generate-password", "--quiet"});
    INFO(describe(run.result));
    CHECK(run.result.exit_code == 0);
    REQUIRE(run.execs.size() == 2);
    CHECK(run.execs[1] == "/proc/self/exe");
}

TEST_CASE("huge pages: a setgid install, in glibc's secure mode, runs its command without starting again",
          "[reliability][huge-pages]") {
    if (!running_as_root()) {
        WARN("skipped: needs root to install a setgid copy for another group");
        return;
    }
    Sandbox s;
    s.init();
    const auto setgid_copy = s.dir() / "bin" / "apiuser";
    fs::create_directories(setgid_copy.parent_path());
    fs::copy_file(apiuser::test::apiuser_binary(), setgid_copy);
    struct statvfs mount {};
    REQUIRE(::statvfs(setgid_copy.c_str(), &mount) == 0);
    if ((mount.f_flag & ST_NOSUID) != 0) {
        WARN("skipped: TMPDIR is mounted nosuid, so a setgid bit has no effect there");
        return;
    }
    // The group of "nobody": root's real group differs from it, so the kernel asks for secure mode.
    REQUIRE(::chown(setgid_copy.c_str(), 0, apiuser::reliability::nobody_uid) == 0);
    REQUIRE(::chmod(setgid_copy.c_str(), 02755) == 0);

    for (const auto& args : std::vector<std::vector<std::string>>{{"create", "--generate-password", "--quiet"},
                                                                  {"create", "--generate-password", "--json"}}) {
        const auto run = traced_run(s, setgid_copy.string(), args);
        INFO(describe(run.result));
        INFO(run.execs.size() << " execve");
        CHECK(run.result.signal == 0);
        CHECK(run.result.exit_code == 0);
        if (strace_works()) {
            CHECK(run.execs.size() == 1);
        }
    }
    ProcessOptions options;
    options.env = s.environment();
    options.input = "not-the-password\n";
    options.timeout = std::chrono::seconds{20};
    const auto user = s.create();
    const auto r = apiuser::test::run_process({setgid_copy.string(), "verify", user, "--password-stdin"}, options);
    INFO(describe(r));
    CHECK(r.signal == 0);
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("authentication failed"));
}

TEST_CASE("huge pages: the started-again command keeps its process name", "[reliability][huge-pages]") {
    Sandbox s;
    s.init();
    const auto user = s.create();
    const auto binary = apiuser::test::apiuser_binary();
    Child child{{binary, "verify", user, "--password-stdin"}, piped_stdin(s.environment())};
    REQUIRE(child.await([&] { return blocked_in(child.pid()) == "0 0x0"; }));
    const auto comm = read_file(fmt::format("/proc/{}/comm", child.pid()));
    // Proof that it did start again (root may read the environment of a process that is not dumpable).
    if (running_as_root()) {
        CHECK_THAT(read_file(fmt::format("/proc/{}/environ", child.pid())), Catch::Contains("glibc.malloc.hugetlb=1"));
    }
    child.write_stdin("not-the-password\n");
    const auto r = child.wait();
    INFO(describe(r));
    CHECK(comm == process_name_of(binary) + "\n");
    CHECK(r.exit_code != 0);
}

TEST_CASE("huge pages: no argv, or an empty argv[0], does not crash a command", "[reliability][huge-pages]") {
    Sandbox s;
    s.init();
    const auto binary = apiuser::test::apiuser_binary();
    for (const auto& argv : std::vector<std::vector<std::string>>{
             {}, {""}, {"", "create", "--generate-password", "--quiet"}, {"", "list"}}) {
        INFO(argv.size() << " words");
        const int status = wait_status_of(binary, argv, s.environment());
        CHECK_FALSE(WIFSIGNALED(status));
        CHECK(WIFEXITED(status));
    }
    // The created API user is there: the command ran.
    CHECK(nlohmann::json::parse(s.run({"list", "--json"}).out).size() == 1);
}
