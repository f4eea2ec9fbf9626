#!/usr/bin/env bash
# completions/apiuser.bash in a real bash with Debian's bash-completion: COMP_WORDS and COMP_CWORD are
# set as readline sets them, the completion function runs, and COMPREPLY is what a person would see.

source "$(dirname "$0")/lib.sh"
source /usr/share/bash-completion/bash_completion
source "$APIUSER_SOURCE_DIR/completions/apiuser.bash"
make_store
make_other_store
make_files

# complete LINE: presses Tab at the end of LINE; prints COMPREPLY sorted, one a line.
complete() {
    local line=$1 token
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMP_WORDS=()
    # readline splits at blanks, and makes "=" (in COMP_WORDBREAKS) a word of its own.
    for token in $line; do
        if [[ $token == ?*=* ]]; then
            COMP_WORDS+=("${token%%=*}" "=")
            [[ -n ${token#*=} ]] && COMP_WORDS+=("${token#*=}")
        else
            COMP_WORDS+=("$token")
        fi
    done
    [[ $line == *' ' ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _apiuser apiuser "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    ((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
}

check_equal "the completion is registered" "complete -F _apiuser apiuser" "$(builtin complete -p apiuser)"

check_equal "subcommands from a prefix" "disable" "$(complete 'apiuser dis')"
commands=$(complete 'apiuser ')
check_every_command "subcommands" "$commands"
check_equal "member subcommands" "$(sorted add list remove set)" "$(complete 'apiuser member ')"
check_equal "account subcommands" "$(sorted set show)" "$(complete 'apiuser account ')"
check_equal "help topics" "$(sorted add list remove set)" "$(complete 'apiuser help member ')"

check_equal "options of list" "$(sorted --all --as --help --json --status --store --verbose --version)" \
    "$(complete 'apiuser list --')"
check_equal "an option already given is not offered again" "--json" "$(complete 'apiuser list --all --j')"
check_equal "options that exclude each other" "" "$(complete 'apiuser create --password-stdin --password')"
check_contains "options of passwd" "--keep-old-for" "$(complete 'apiuser passwd --')"
check_equal "global options after the command" "--store" "$(complete 'apiuser list --sto')"

check_equal "values of --status" "$(sorted disabled enabled revoked)" "$(complete 'apiuser list --status ')"
check_equal "--status=VALUE" "disabled" "$(complete 'apiuser list --status=dis')"

# Dynamic values, filtered by state.
check_equal "enable offers disabled users" "$disabled_user" "$(complete 'apiuser enable ')"
check_equal "disable offers enabled users" "$(sorted "$enabled_user" "$other_enabled_user")" \
    "$(complete 'apiuser disable ')"
for command in revoke passwd describe verify; do
    check_equal "$command offers every user not revoked" \
        "$(sorted "$enabled_user" "$other_enabled_user" "$disabled_user")" "$(complete "apiuser $command ")"
done
check_equal "a username from its prefix" "$enabled_user" "$(complete "apiuser disable ${enabled_user:0:14}")"
enabled_id=${enabled_user:8:12}
check_equal "an id from its prefix" "$enabled_id" "$(complete "apiuser disable ${enabled_id:0:5}")"
check_equal "users already on the line are left out" "$other_enabled_user" \
    "$(complete "apiuser disable $enabled_user ")"
check_equal "member set offers members but the owner" "$(sorted alice bob)" "$(complete 'apiuser member set ')"
check_equal "member remove from a prefix" "alice" "$(complete 'apiuser member remove al')"
check_equal "member add offers no existing member" "" "$(complete 'apiuser member add ')"
check_contains "log --target offers revoked users" "$revoked_user" "$(complete 'apiuser log --target ')"
check_equal "log --target offers the account" "account" "$(complete 'apiuser log --target acc')"

# --store on the line, and $APIUSER_STORE.
check_equal "--store PATH on the line" "$other_user" "$(complete "apiuser --store $other_store disable ")"
check_equal "--store=PATH on the line" "$other_user" "$(complete "apiuser disable --store=$other_store ")"
check_equal "\$APIUSER_STORE" "$other_user" "$(APIUSER_STORE=$other_store complete 'apiuser disable ')"

# File paths for --store and --password-file.
check_equal "--store completes paths" "$test_dir/files/store.db" "$(complete "apiuser --store $test_dir/files/st")"
check_equal "--password-file completes paths" "$test_dir/files/secret.txt" \
    "$(complete "apiuser passwd x --password-file $test_dir/files/se")"
check_equal "--store=PATH completes the path" "$test_dir/files/store.db" \
    "$(complete "apiuser --store=$test_dir/files/st")"

# Silence: no store, an unreadable one, not a member. Nothing is printed, not even on stderr.
check_equal "no store" "" "$(APIUSER_STORE=$test_dir/missing.db complete 'apiuser disable ' 2>&1)"
printf 'not a store' >"$test_dir/garbage.db"
chmod 600 "$test_dir/garbage.db"
check_equal "not a store" "" "$(APIUSER_STORE=$test_dir/garbage.db complete 'apiuser disable ' 2>&1)"
check_equal "a store others may read" "" "$(chmod 644 "$other_store" && complete "apiuser --store $other_store disable " 2>&1)"
check_equal "not a member (--as someone else)" "" "$(complete 'apiuser --as mallory disable ' 2>&1)"
check_equal "the entry point itself is silent" "" "$(apiuser __complete -- --store "$test_dir/missing.db" disable '' 2>&1)"

# Completion writes nothing: the store is byte for byte the same.
before=$(sqlite3 "$APIUSER_STORE" .dump | sha256sum)
complete 'apiuser disable ' >/dev/null
complete 'apiuser log --target ' >/dev/null
check_equal "the store is unchanged" "$before" "$(sqlite3 "$APIUSER_STORE" .dump | sha256sum)"

finish
