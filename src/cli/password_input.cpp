#include "password_input.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apiuser/errors.hpp>
#include <apiuser/password_policy.hpp>

#include "terminal.hpp"

namespace apiuser::cli {

namespace {

// Reads all of `fd`, stopping (and rejecting the password as too long) after max_password_input_bytes
// plus a line ending, then removes exactly one trailing "\n" or "\r\n".
Secret read_all(int fd, std::string_view source) {
    constexpr std::size_t limit = max_password_input_bytes + 2;
    Secret data;
    data.reserve(limit + 1);
    char buffer[4096];
    bool saw_anything = false;
    while (true) {
        const auto n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            wipe_memory(buffer, sizeof buffer);
            throw Error(ErrorKind::invalid_input,
                        fmt::format("cannot read the password from {}: {}", source, std::strerror(errno)));
        }
        if (n == 0) {
            break;
        }
        saw_anything = true;
        const auto count = static_cast<std::size_t>(n);
        if (data.size() + count > limit) {
            wipe_memory(buffer, sizeof buffer);
            reject_overlong_password();
        }
        data.append({buffer, count});
    }
    wipe_memory(buffer, sizeof buffer);
    if (!saw_anything) {
        throw Error(ErrorKind::invalid_input, fmt::format("no password on {}: it is empty", source),
                    "write the password followed by a newline");
    }
    if (data.view().ends_with("\r\n")) {
        data.pop_back();
        data.pop_back();
    } else if (data.view().ends_with('\n')) {
        data.pop_back();
    }
    if (data.size() > max_password_input_bytes) {
        reject_overlong_password();
    }
    if (data.view().find_first_of("\r\n") != std::string_view::npos) {
        throw Error(ErrorKind::invalid_input, fmt::format("the password on {} has more than one line", source),
                    "give the password alone, followed by at most one newline");
    }
    return data;
}

Secret read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format("cannot open password file '{}': {}", path, std::strerror(errno)),
                    "check the path given to --password-file");
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw Error(ErrorKind::invalid_input, fmt::format("password file '{}' is a directory", path),
                    "give the path of a file holding the password");
    }
    try {
        Secret password = read_all(fd, fmt::format("'{}'", path));
        ::close(fd);
        return password;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

Secret prompt(const SafeText& text) {
    auto password = prompt_secret(text, max_password_input_bytes);
    if (!password) {
        reject_overlong_password();
    }
    return std::move(*password);
}

// --password-stdin on a terminal would read the password as typed, echoed and without a prompt,
// until Ctrl-D: it means the person is there to be asked, so ask them as without the option.
bool stdin_is_piped(const PasswordOptions& options) {
    return options.from_stdin && !is_terminal(STDIN_FILENO);
}

}  // namespace

bool will_prompt(const PasswordOptions& options) {
    return !options.generate && !options.file_given && !stdin_is_piped(options);
}

void add_password_options(CLI::App& command, PasswordOptions& options, bool allow_generate) {
    auto* from_stdin = command.add_flag("--password-stdin", options.from_stdin,
                                        "Read the password from standard input (one trailing newline is removed); "
                                        "on a terminal, ask with echo off");
    auto* file = command
                     .add_option("--password-file", options.file,
                                 "Read the password from the file PATH (or /dev/fd/N); one trailing newline "
                                 "is removed")
                     ->type_name("PATH")
                     ->each([&options](const std::string&) { options.file_given = true; });
    from_stdin->excludes(file);
    if (allow_generate) {
        auto* generate = command.add_flag("--generate-password", options.generate,
                                          "Generate a strong random password and print it once");
        generate->excludes(from_stdin)->excludes(file);
    }
}

std::optional<Secret> read_password(const PasswordOptions& options, const PasswordPrompt& question,
                                    bool allow_generate) {
    // A process holding a password must not be dumped or attached to by other processes of this
    // user.
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (options.generate) {
        return std::nullopt;
    }
    if (stdin_is_piped(options)) {
        return read_all(STDIN_FILENO, "standard input");
    }
    if (options.file_given) {
        return read_file(options.file);
    }
    if (!will_prompt(options)) {
        throw std::logic_error("read_password: a password option was set but not handled");
    }
    if (!is_terminal(STDIN_FILENO)) {
        throw Error(ErrorKind::invalid_input, "no password given and no terminal to ask for one",
                    allow_generate ? "use --password-stdin, --password-file PATH or --generate-password"
                                   : "use --password-stdin or --password-file PATH");
    }
    Secret password = prompt(question.question);
    if (question.check) {
        question.check(password);
    }
    if (question.confirm) {
        const Secret again = prompt(SafeText{"Confirm password: "});
        if (!(again == password)) {
            throw Error(ErrorKind::invalid_input, "the two passwords do not match", "nothing was changed; try again");
        }
    }
    return password;
}

}  // namespace apiuser::cli
