# bash completion for apiuser(1)                           -*- shell-script -*-
#
# The candidates come from the program itself, `apiuser __complete -- WORD... CURRENT`, which knows its
# commands and options and reads the API users and members from the store the command line names. It
# prints one candidate a line (a tab and a description may follow), or ":file" when a path is wanted.
# Needs bash-completion; installed as share/bash-completion/completions/apiuser.

_apiuser()
{
    local cur prev words cword
    # "--store=PATH" stays one word; readline replaces only what follows the "=".
    _init_completion -n = || return

    local IFS=$'\n'
    local -a lines
    lines=($("$1" __complete -- "${words[@]:1:cword-1}" "$cur" 2>/dev/null))

    if [[ ${#lines[@]} -eq 1 && ${lines[0]} == :file ]]; then
        [[ $cur == --*=* ]] && cur=${cur#*=}
        _filedir
        return
    fi
    COMPREPLY=("${lines[@]%%$'\t'*}")
} &&
    complete -F _apiuser apiuser

# ex: filetype=sh
