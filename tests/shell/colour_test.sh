#!/usr/bin/env bash
# Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org: set and not empty) or
# TERM is dumb. `script` (util-linux) runs the command on a real pseudo-terminal.

source "$(dirname "$0")/lib.sh"
make_store
export TERM=xterm

escape=$'\e['

# on_terminal COMMAND: runs COMMAND (a shell command line) with stdout and stderr on a terminal.
on_terminal() {
    script --quiet --return --command "$1" /dev/null </dev/null 2>&1
}

# Every output that can be coloured: a status in a table, an error and a warning.
outputs='apiuser list; apiuser describe no-such-user; apiuser create --description "Magento Production" --dry-run --generate-password'

coloured=$(on_terminal "$outputs")
check_contains "enabled is green on a terminal" "${escape}32menabled${escape}0m" "$coloured"
check_contains "disabled is yellow on a terminal" "${escape}33mdisabled${escape}0m" "$coloured"
check_contains "errors are red on a terminal" "apiuser: ${escape}31merror${escape}0m:" "$coloured"
check_contains "warnings are yellow on a terminal" "apiuser: ${escape}33mwarning${escape}0m:" "$coloured"
check_contains "NO_COLOR= (empty) does not count" "${escape}32menabled" "$(NO_COLOR= on_terminal "$outputs")"

check_lacks "NO_COLOR=1" "$escape" "$(NO_COLOR=1 on_terminal "$outputs")"
check_lacks "NO_COLOR=0 (any value counts)" "$escape" "$(NO_COLOR=0 on_terminal "$outputs")"
check_lacks "TERM=dumb" "$escape" "$(TERM=dumb on_terminal "$outputs")"
check_lacks "stdout not a terminal" "$escape" "$(on_terminal 'apiuser list | cat')"
check_lacks "stderr not a terminal" "$escape" "$(on_terminal 'apiuser describe no-such-user 2>&1 | cat')"
check_lacks "help is plain" "$escape" "$(on_terminal 'apiuser --help; apiuser list --help')"
check_lacks "JSON is plain" "$escape" "$(on_terminal 'apiuser list --json; apiuser describe no-such-user --json')"

finish
