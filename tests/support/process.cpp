#include "process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace apiuser::test {

namespace {

[[noreturn]] void child_fail(const char* what) {
    const char* reason = std::strerror(errno);
    (void)!::write(STDERR_FILENO, what, std::strlen(what));
    (void)!::write(STDERR_FILENO, ": ", 2);
    (void)!::write(STDERR_FILENO, reason, std::strlen(reason));
    ::_exit(127);
}

std::string read_proc(pid_t pid, const char* name) {
    std::ifstream file{"/proc/" + std::to_string(pid) + "/" + name};
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
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

Child::Child(const std::vector<std::string>& argv, const ProcessOptions& options) {
    // A child that exits without reading all its input must not kill the test with SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    const bool feeds_stdin = options.input.has_value() || options.stdin_pipe;
    int in[2] = {-1, -1}, out[2], err[2];
    if ((feeds_stdin && ::pipe2(in, O_CLOEXEC) != 0) || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    ExecArguments exec_arguments{argv, options.env};

    pid_ = ::fork();
    if (pid_ < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
        if (feeds_stdin) {
            ::dup2(in[0], STDIN_FILENO);
        } else {
            const int null = ::open("/dev/null", O_RDONLY);
            ::dup2(null, STDIN_FILENO);
        }
        if (options.stdout_closed_pipe) {
            int closed[2];
            if (::pipe(closed) != 0) {
                child_fail("pipe");
            }
            ::close(closed[0]);
            ::dup2(closed[1], STDOUT_FILENO);
        } else if (!options.stdout_path.empty()) {
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
    if (feeds_stdin) {
        ::close(in[0]);
        in_ = in[1];
    }
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
    if (options.input) {
        pending_input_ = *options.input;
        ::fcntl(in_, F_SETFL, O_NONBLOCK);  // wait() writes it while it reads, so neither side can block
    }
}

Child::~Child() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    for (int fd : {in_, out_, err_}) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

bool Child::write_stdin(std::string_view text) {
    while (!text.empty() && in_ >= 0) {
        const auto n = ::write(in_, text.data(), text.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return in_ >= 0;
}

void Child::close_stdin() {
    if (in_ >= 0) {
        ::close(in_);
        in_ = -1;
    }
}

void Child::signal(int signal_number) const {
    if (pid_ > 0) {
        ::kill(pid_, signal_number);
    }
}

ProcessResult Child::wait(std::chrono::seconds timeout) {
    std::size_t written = 0;
    if (pending_input_.empty()) {
        close_stdin();
    }
    ProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out_ >= 0 || err_ >= 0 || in_ >= 0) {
        pollfd fds[3] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}, {in_, POLLOUT, 0}};
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid_, SIGKILL);
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
                    (i == 0 ? out_ : err_) = -1;
                }
            }
        }
        if (in_ >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
            const auto n = ::write(in_, pending_input_.data() + written, pending_input_.size() - written);
            if (n > 0) {
                written += static_cast<std::size_t>(n);
            }
            if (n < 0 && errno != EAGAIN && errno != EINTR) {
                written = pending_input_.size();  // the child closed stdin early: fine
            }
            if (written >= pending_input_.size()) {
                close_stdin();
            }
        }
    }
    pending_input_.clear();
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

bool Child::running() const {
    const auto stat = read_proc(pid_, "stat");
    const auto close = stat.rfind(')');
    return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z' && stat[close + 2] != 'X';
}

long Child::current_syscall() const {
    const auto text = read_proc(pid_, "syscall");
    if (text.empty() || text.rfind("running", 0) == 0) {
        return -1;
    }
    return std::strtol(text.c_str(), nullptr, 10);
}

bool Child::await(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (condition()) {
            return true;
        }
        if (!running() || std::chrono::steady_clock::now() > deadline) {
            return condition();
        }
        // /proc has no change notification: look again shortly.
        std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    Child child{argv, options};
    return child.wait(options.timeout);
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
