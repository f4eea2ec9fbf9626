// Row 8 of tests/bench/run: runs a program and writes its peak resident set size (KiB, from wait4) to a
// file. bench.py cannot read it from its own wait4: Linux keeps the largest RSS a process ever had across
// exec, and a child that Python spawns starts out sharing the interpreter's memory, so every small
// program would seem as large as Python. Forked from this small static program, the child starts small.
//
// usage: apiuser_bench_peak_rss OUTPUT_FILE PROGRAM [ARGUMENT...]
// Standard input, output and error are the program's; the exit status is the program's.

#include <cstdio>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char* argv[]) {
    if (argc < 3) {
        std::fputs("usage: apiuser_bench_peak_rss OUTPUT_FILE PROGRAM [ARGUMENT...]\n", stderr);
        return 2;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("apiuser_bench_peak_rss: fork");
        return 1;
    }
    if (pid == 0) {
        ::execvp(argv[2], argv + 2);
        std::perror("apiuser_bench_peak_rss: exec");
        ::_exit(127);
    }
    int status = 0;
    struct rusage usage {};
    if (::wait4(pid, &status, 0, &usage) != pid) {
        std::perror("apiuser_bench_peak_rss: wait4");
        return 1;
    }
    std::FILE* output = std::fopen(argv[1], "w");
    if (output == nullptr || std::fprintf(output, "%ld\n", usage.ru_maxrss) < 0 || std::fclose(output) != 0) {
        std::perror("apiuser_bench_peak_rss: writing the result");
        return 1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
