#pragma once

// Runs a program as a child process and captures what it prints: the end-to-end tests' only way to
// drive apiuser, so that they exercise the real binary.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace apiuser::test {

struct ProcessResult {
    int exit_code = -1;  // the exit status, or -1 when killed by a signal
    int signal = 0;      // the signal that ended it, if any
    std::string out;
    std::string err;
};

struct ProcessOptions {
    std::optional<std::string> input;        // written to stdin, which is then closed; nullopt: /dev/null
    bool stdin_pipe = false;                 // with no input: stdin is a pipe for Child::write_stdin
    std::map<std::string, std::string> env;  // the whole environment
    std::optional<uid_t> uid;                // run as this uid (and its primary gid) when root
    std::optional<mode_t> umask;             // the child's umask; default: inherited
    std::string stdout_path;                 // redirect stdout to this file instead of capturing it
    bool stdout_closed_pipe = false;         // stdout is a pipe nobody reads, as in `apiuser ... | true`
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

// A process started in the background, so that a test can read /proc, signal or kill it mid-flight.
// Its stdout and stderr are captured; its stdin is fed `input`, is a pipe the test writes to
// (`stdin_pipe`), or is /dev/null. It runs in a session of its own, without a controlling terminal, as
// in a pipeline. Destroying a Child that is still running kills it.
class Child {
  public:
    Child(const std::vector<std::string>& argv, const ProcessOptions& options);
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }

    // Writes `text` to the child's stdin (blocking until the pipe takes it); false if the child closed it.
    bool write_stdin(std::string_view text);
    void close_stdin();

    void signal(int signal_number) const;

    // Feeds the rest of the input, then drains stdout and stderr until both close and reaps the child;
    // kills it with SIGKILL when `timeout` passes first.
    ProcessResult wait(std::chrono::seconds timeout = std::chrono::seconds{120});

    // Waits (polling /proc, never sleeping blindly) until `condition` holds or the child has exited;
    // true if it holds. Gives up after `timeout`.
    bool await(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds{30});

    // True while the child has not exited (it may be a zombie not yet reaped: that counts as exited).
    bool running() const;

    // The system call the child is blocked in, from /proc/PID/syscall (-1 when running or gone).
    long current_syscall() const;

  private:
    pid_t pid_ = -1;
    int in_ = -1;
    int out_ = -1;
    int err_ = -1;
    std::string pending_input_;
};

// Runs `argv` (argv[0] is the program's path) and waits for it.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options);

// Splits `text` into lines, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace apiuser::test
