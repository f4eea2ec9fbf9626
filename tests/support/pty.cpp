#include "pty.hpp"

#include <cerrno>
#include <stdexcept>

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "process.hpp"

namespace apiuser::test {

PtySession::PtySession(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    ExecArguments exec_arguments{argv, env};
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ < 0) {
        throw std::runtime_error("forkpty failed");
    }
    if (pid_ == 0) {
        ::signal(SIGPIPE, SIG_DFL);
        ::execve(exec_arguments.argv()[0], exec_arguments.argv(), exec_arguments.envp());
        ::_exit(127);
    }
}

PtySession::~PtySession() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    if (master_ >= 0) {
        ::close(master_);
    }
}

bool PtySession::read_some(std::chrono::milliseconds timeout) {
    pollfd fd{master_, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(timeout.count())) <= 0) {
        return false;
    }
    char buffer[4096];
    const auto n = ::read(master_, buffer, sizeof buffer);
    if (n <= 0) {
        return false;  // EIO once the child has closed the terminal
    }
    output_.append(buffer, static_cast<std::size_t>(n));
    return true;
}

bool PtySession::expect(const std::string& text, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(text) == std::string::npos) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !read_some(left)) {
            return false;
        }
    }
    return true;
}

void PtySession::send(const std::string& text) {
    (void)!::write(master_, text.data(), text.size());
}

void PtySession::signal(int signal_number) {
    ::kill(pid_, signal_number);
}

bool PtySession::echo_on() const {
    termios settings{};
    ::tcgetattr(master_, &settings);
    return (settings.c_lflag & ECHO) != 0;
}

int PtySession::wait() {
    while (read_some(std::chrono::milliseconds{2000})) {
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace apiuser::test
