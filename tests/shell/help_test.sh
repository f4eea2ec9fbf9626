#!/usr/bin/env bash
# Help and version as people meet them: every command's --help names the whole command in its usage line
# and ends with a realistic example of that command; `apiuser help COMMAND...` prints the same; the
# top-level help groups the commands; --version and --version --verbose print real versions.

source "$(dirname "$0")/lib.sh"

# The commands under `apiuser PATH...` as its help lists them: the lines of its command groups.
subcommands() {
    apiuser "$@" --help | awk '
        /^[A-Z][^:]*:$/ { group = ($0 != "Options:" && $0 != "Positionals:" && $0 != "Example:"); next }
        group && /^  [a-z]/ { print $1 }'
}

# Checks COMMAND... and, recursively, its subcommands.
check_command() {
    local help
    help=$(apiuser "$@" --help)
    check_contains "usage line of $*" "Usage: apiuser $* " "$help"
    # The example is the last thing shown, and runs this very command.
    check_equal "example heading of $*" "Example:" "$(tail -n 2 <<<"$help" | head -n 1)"
    check_contains "example of $*" "apiuser $*" "$(tail -n 1 <<<"$help")"
    check_equal "apiuser help $*" "$help" "$(apiuser help "$@")"
    # A usage error's hint names this command's help, which exists and is this help.
    local hint
    hint=$({ apiuser "$@" --no-such-option 2>&1 >/dev/null || true; } | sed -n "s/.* see '\(apiuser help [^']*\)'$/\1/p")
    check_equal "the hint of a usage error of $*" "apiuser help $*" "$hint"
    check_equal "the help that the hint of $* names" "$help" "$($hint)"
    local subcommand
    for subcommand in $(subcommands "$@"); do
        check_command "$@" "$subcommand"
    done
}

top=$(apiuser --help)
commands=$(subcommands)
check_equal "the top-level commands" "$all_commands" "$(echo $commands)"
check_equal "the command groups, in order" \
    "API users:|Members (account users):|Account:|Store:|Help:" \
    "$(grep -E '^[A-Z][^:]*:$' <<<"$top" | grep -v -e '^Options:' | paste -sd '|')"
check_lacks "the hidden entry point" "__complete" "$top"
check_equal "apiuser alone shows the help" "$top" "$(apiuser)"
check_equal "apiuser help alone shows the help" "$top" "$(apiuser help)"
for command in $commands; do
    check_command "$command"
done

apiuser help no-such-command >"$test_dir/out" 2>"$test_dir/err" && status=0 || status=$?
check_equal "help for an unknown command: exit status" "2" "$status"
check_equal "help for an unknown command: one line on stderr" "1" "$(wc -l <"$test_dir/err")"
check_contains "help for an unknown command: the message" "apiuser: error: no command 'no-such-command'" \
    "$(cat "$test_dir/err")"

# The version is the project's (CMake's project(VERSION)); --verbose adds the libraries in use.
project_version=$(sed -n '/^project(apiuser/,/)/s/^ *VERSION \([0-9.]*\)$/\1/p' "$APIUSER_SOURCE_DIR/CMakeLists.txt")
check_equal "--version" "apiuser $project_version" "$(apiuser --version)"
check_equal "-V" "apiuser $project_version" "$(apiuser -V)"
verbose=$(apiuser --version --verbose)
check_equal "--version --verbose, first line" "apiuser $project_version" "$(head -n 1 <<<"$verbose")"
for library in SQLite Botan fmt CLI11; do
    if ! grep -Eq "^  $library [0-9]+\.[0-9]+\.[0-9]+$" <<<"$verbose"; then
        fail "--version --verbose: no version of $library in [$verbose]"
    fi
done
# The SQLite in use is the one the system's sqlite3 shell runs with.
check_contains "--version --verbose: the SQLite in use" "  SQLite $(sqlite3 --version | cut -d ' ' -f 1)" "$verbose"

finish
