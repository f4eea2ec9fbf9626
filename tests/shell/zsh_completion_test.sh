#!/usr/bin/env bash
# completions/_apiuser in a real interactive zsh: compinit loads it from the completions directory, Tab
# runs zsh's completion system, and zsh_complete.zsh reports the matches offered.

source "$(dirname "$0")/lib.sh"
make_store
make_other_store
make_files

lines=(
    'apiuser dis'
    'apiuser '
    'apiuser member '
    'apiuser list --st'
    'apiuser list --status '
    'apiuser list --status=dis'
    'apiuser enable '
    'apiuser disable '
    'apiuser verify '
    'apiuser disable apiuser-'
    'apiuser member remove '
    "apiuser --store $other_store disable "
    "apiuser --store $test_dir/files/st"
    "apiuser passwd x --password-file $test_dir/files/se"
)
results=$(zsh -f "$(dirname "$0")/zsh_complete.zsh" "$APIUSER_SOURCE_DIR/completions" "${lines[@]}")

# matches LINE: the matches zsh offered for LINE, sorted.
matches() {
    awk -F '\t' -v line="$1" '$1 == line && $2 != "" { print $2 }' <<<"$results" | LC_ALL=C sort
}

for line in "${lines[@]}"; do
    check_contains "zsh completed [$line]" "$line"$'\t' "$results"
done
check_equal "subcommands from a prefix" "disable" "$(matches 'apiuser dis')"
check_every_command "subcommands" "$(matches 'apiuser ')"
check_equal "member subcommands" "$(sorted add list remove set)" "$(matches 'apiuser member ')"
check_equal "options from a prefix" "$(sorted --status --store)" "$(matches 'apiuser list --st')"
check_equal "values of --status" "$(sorted disabled enabled revoked)" "$(matches 'apiuser list --status ')"
check_equal "--status=VALUE" "--status=disabled" "$(matches 'apiuser list --status=dis')"
check_equal "enable offers disabled users" "$disabled_user" "$(matches 'apiuser enable ')"
check_equal "disable offers enabled users" "$(sorted "$enabled_user" "$other_enabled_user")" \
    "$(matches 'apiuser disable ')"
check_equal "verify offers every user not revoked" "$(sorted "$enabled_user" "$other_enabled_user" "$disabled_user")" \
    "$(matches 'apiuser verify ')"
check_equal "usernames from a prefix" "$(sorted "$enabled_user" "$other_enabled_user")" \
    "$(matches 'apiuser disable apiuser-')"
check_equal "member logins" "$(sorted alice bob)" "$(matches 'apiuser member remove ')"
check_equal "--store on the line" "$other_user" "$(matches "apiuser --store $other_store disable ")"
check_equal "--store completes paths" "store.db" "$(matches "apiuser --store $test_dir/files/st")"
check_equal "--password-file completes paths" "secret.txt" \
    "$(matches "apiuser passwd x --password-file $test_dir/files/se")"

finish
