#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "process.hpp"

namespace apiuser::test {

namespace {

[[noreturn]] void child_fail(const char* what) {
    const char* reason = std::strerror(errno);
    (void)!::write(STDERR_FILENO, what, std::strlen(what));
    (void)!::write(STDERR_FILENO, ": ", 2);
    (void)!::write(STDERR_FILENO, reason, std::strlen(reason));
    ::_exit(127);
}

}  // namespace

ExecArguments::ExecArguments(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    strings_ = argv;
    for (const auto& [key, value] : env) {
        strings_.push_back(key + "=" + value);
    }
    for (std::size_t i = 0; i < strings_.size(); ++i) {
        (i < argv.size() ? argv_pointers_ : env_pointers_).push_back(strings_[i].data());
    }
    argv_pointers_.push_back(nullptr);
    env_pointers_.push_back(nullptr);
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    // A child that exits without reading all its input must not kill the test with SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    ExecArguments exec_arguments{argv, options.env};

    const pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        if (options.input) {
            ::dup2(in[0], STDIN_FILENO);
        } else {
            const int null = ::open("/dev/null", O_RDONLY);
            ::dup2(null, STDIN_FILENO);
        }
        if (!options.stdout_path.empty()) {
            const int file = ::open(options.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (file < 0) {
                child_fail("open stdout");
            }
            ::dup2(file, STDOUT_FILENO);
        } else {
            ::dup2(out[1], STDOUT_FILENO);
        }
        ::dup2(err[1], STDERR_FILENO);
        ::signal(SIGPIPE, SIG_DFL);
        if (options.umask) {
            ::umask(*options.umask);
        }
        ::setsid();  // no controlling terminal: the child must behave as in a pipeline
        if (options.uid) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(*options.uid) != 0 || ::setuid(*options.uid) != 0) {
                child_fail("setuid");
            }
        }
        ::execve(exec_arguments.argv()[0], exec_arguments.argv(), exec_arguments.envp());
        child_fail("execve");
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);

    std::string pending_input = options.input.value_or("");
    std::size_t written = 0;
    if (!options.input || pending_input.empty()) {
        ::close(in[1]);
        in[1] = -1;
    } else {
        ::fcntl(in[1], F_SETFL, O_NONBLOCK);
    }
    ProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    int open_outputs = 2;
    while (open_outputs > 0 || in[1] >= 0) {
        pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid, SIGKILL);
            break;
        }
        if (::poll(fds, 3, static_cast<int>(left.count())) < 0 && errno != EINTR) {
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                char buffer[65536];
                const auto n = ::read(fds[i].fd, buffer, sizeof buffer);
                if (n > 0) {
                    (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
                } else if (n == 0 || errno != EINTR) {
                    ::close(fds[i].fd);
                    (i == 0 ? out[0] : err[0]) = -1;
                    --open_outputs;
                }
            }
        }
        if (in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
            const auto n = ::write(in[1], pending_input.data() + written, pending_input.size() - written);
            if (n > 0) {
                written += static_cast<std::size_t>(n);
            }
            if (n < 0 && errno != EAGAIN && errno != EINTR) {
                written = pending_input.size();  // the child closed stdin early: fine
            }
            if (written >= pending_input.size()) {
                ::close(in[1]);
                in[1] = -1;
            }
        }
    }
    for (int fd : {out[0], err[0], in[1]}) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace apiuser::test
