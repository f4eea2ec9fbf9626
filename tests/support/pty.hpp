#pragma once

// Drives a program through a pseudo-terminal, as a person at a keyboard would: wait for a prompt, type.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace apiuser::test {

class PtySession {
  public:
    // Starts `argv` with `env` on a new pseudo-terminal that becomes its controlling terminal.
    PtySession(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
    ~PtySession();
    PtySession(const PtySession&) = delete;
    PtySession& operator=(const PtySession&) = delete;

    // Reads until `text` has appeared in the output (since the start); false on timeout or end of output.
    bool expect(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds{20});

    // Types `text` into the terminal.
    void send(const std::string& text);

    // Sends a signal to the child.
    void signal(int signal_number);

    // Reads the rest of the output and waits for the child; returns the exit code, or 128+signal.
    int wait();

    // Everything the child has written to the terminal so far.
    const std::string& output() const { return output_; }

    // True when echo is on for the terminal right now (the child may have turned it off).
    bool echo_on() const;

  private:
    bool read_some(std::chrono::milliseconds timeout);

    int master_ = -1;
    pid_t pid_ = -1;
    std::string output_;
};

}  // namespace apiuser::test
