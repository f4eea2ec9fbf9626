#include "terminal.hpp"

#include <cerrno>
#include <csignal>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <apiuser/errors.hpp>

namespace apiuser::cli {

namespace {

constexpr int handled_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};

// The terminal's settings before echo was turned off, for the signal handler to put back; the settings with
// echo off and the prompt, for it to restore when a stopped prompt is continued.
volatile sig_atomic_t echo_off_fd = -1;
struct termios saved_settings;
struct termios quiet_settings;
std::string_view current_prompt;

extern "C" void restore_terminal_and_reraise(int signal_number) {
    const int saved_errno = errno;
    if (echo_off_fd >= 0) {
        ::tcsetattr(echo_off_fd, TCSAFLUSH, &saved_settings);
        (void)!::write(echo_off_fd, "\n", 1);
    }
    if (signal_number == SIGTSTP) {
        // Ctrl-Z: stop with the terminal as the shell expects it. When continued (fg), turn echo off again,
        // show the prompt again and go on reading, with this handler still there for the next Ctrl-Z.
        struct sigaction stop {};
        struct sigaction handler {};
        stop.sa_handler = SIG_DFL;
        sigemptyset(&stop.sa_mask);
        ::sigaction(SIGTSTP, &stop, &handler);
        sigset_t pending_stop;
        sigemptyset(&pending_stop);
        sigaddset(&pending_stop, SIGTSTP);
        ::raise(SIGTSTP);
        ::sigprocmask(SIG_UNBLOCK, &pending_stop, nullptr);  // stops here, until SIGCONT
        ::sigprocmask(SIG_BLOCK, &pending_stop, nullptr);
        ::sigaction(SIGTSTP, &handler, nullptr);
        if (echo_off_fd >= 0) {
            ::tcsetattr(echo_off_fd, TCSAFLUSH, &quiet_settings);
            (void)!::write(echo_off_fd, current_prompt.data(), current_prompt.size());
        }
        errno = saved_errno;
        return;
    }
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
}

// The terminal to talk to: /dev/tty when there is one, so that prompts reach the person even when stderr
// is redirected; otherwise standard input and standard error.
class TerminalChannel {
  public:
    TerminalChannel() {
        tty_ = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        in_ = tty_ >= 0 ? tty_ : STDIN_FILENO;
        out_ = tty_ >= 0 ? tty_ : STDERR_FILENO;
    }
    ~TerminalChannel() {
        if (tty_ >= 0) {
            ::close(tty_);
        }
    }
    TerminalChannel(const TerminalChannel&) = delete;
    TerminalChannel& operator=(const TerminalChannel&) = delete;

    int in() const { return in_; }
    void write(std::string_view text) const {
        while (!text.empty()) {
            const auto n = ::write(out_, text.data(), text.size());
            if (n <= 0) {
                return;
            }
            text.remove_prefix(static_cast<std::size_t>(n));
        }
    }

  private:
    int tty_ = -1;
    int in_ = STDIN_FILENO;
    int out_ = STDERR_FILENO;
};

// Turns echo off for its lifetime, with the signal handlers that undo it if the process is interrupted.
class EchoOff {
  public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (::tcgetattr(fd, &saved_settings) != 0) {
            return;
        }
        struct sigaction action {};
        action.sa_handler = restore_terminal_and_reraise;
        sigemptyset(&action.sa_mask);
        for (std::size_t i = 0; i < std::size(handled_signals); ++i) {
            ::sigaction(handled_signals[i], &action, &previous_[i]);
        }
        quiet_settings = saved_settings;
        quiet_settings.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL);
        echo_off_fd = fd;
        active_ = ::tcsetattr(fd, TCSAFLUSH, &quiet_settings) == 0;
    }
    ~EchoOff() {
        if (active_) {
            ::tcsetattr(fd_, TCSAFLUSH, &saved_settings);
        }
        echo_off_fd = -1;
        for (std::size_t i = 0; i < std::size(handled_signals); ++i) {
            ::sigaction(handled_signals[i], &previous_[i], nullptr);
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

  private:
    int fd_;
    bool active_ = false;
    struct sigaction previous_[std::size(handled_signals)]{};
};

// Reads one line from `fd` into `line` (without its newline), keeping at most `max_bytes`. Returns false
// when input ended before any newline.
bool read_line(int fd, Secret& line, std::size_t max_bytes, bool& overlong) {
    overlong = false;
    while (true) {
        char c = 0;
        const auto n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        if (c == '\n' || c == '\r') {
            return true;
        }
        if (line.size() < max_bytes) {
            line.push_back(c);
        } else {
            overlong = true;
        }
    }
}

}  // namespace

bool is_terminal(int fd) {
    return ::isatty(fd) == 1;
}

std::optional<Secret> prompt_secret(const SafeText& prompt, std::size_t max_bytes) {
    TerminalChannel terminal;
    Secret line;
    line.reserve(max_bytes);
    bool complete = false;
    bool overlong = false;
    {
        current_prompt = prompt.str();
        EchoOff quiet{terminal.in()};
        terminal.write(prompt.str());
        complete = read_line(terminal.in(), line, max_bytes, overlong);
        terminal.write("\n");
    }
    current_prompt = {};
    if (!complete) {
        throw Error(ErrorKind::invalid_input, "no password entered (input ended)", "nothing was changed");
    }
    if (overlong) {
        return std::nullopt;
    }
    return line;
}

bool confirm(const SafeText& question) {
    TerminalChannel terminal;
    terminal.write(question.str());
    Secret answer;
    bool overlong = false;
    if (!read_line(terminal.in(), answer, 16, overlong)) {
        terminal.write("\n");
        return false;
    }
    // The whole word, as the question asks: a stray "y" must not do what cannot be undone.
    std::string text{answer.view()};
    for (char& c : text) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return text == "yes";
}

}  // namespace apiuser::cli
