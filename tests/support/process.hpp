#pragma once

// Runs a program as a child process and captures what it prints: the end-to-end tests' only way to
// drive apiuser, so that they exercise the real binary.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace apiuser::test {

struct ProcessResult {
    int exit_code = -1;    // the exit status, or -1 when killed by a signal
    int signal = 0;        // the signal that ended it, if any
    std::string out;
    std::string err;
};

struct ProcessOptions {
    std::optional<std::string> input;           // written to stdin, which is then closed; nullopt: /dev/null
    std::map<std::string, std::string> env;     // the whole environment
    std::optional<uid_t> uid;                   // run as this uid (and its primary gid) when root
    std::optional<mode_t> umask;                // the child's umask; default: inherited
    std::string stdout_path;                    // redirect stdout to this file instead of capturing it
    std::chrono::seconds timeout{120};
};

// The argument and environment arrays execve() wants, built before fork() so that the child only execs.
class ExecArguments {
public:
    ExecArguments(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
    char* const* argv() { return argv_pointers_.data(); }
    char* const* envp() { return env_pointers_.data(); }

private:
    std::vector<std::string> strings_;
    std::vector<char*> argv_pointers_;
    std::vector<char*> env_pointers_;
};

// Runs `argv` (argv[0] is the program's path) and waits for it.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options);

// Splits `text` into lines, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace apiuser::test
