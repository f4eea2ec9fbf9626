#!/usr/bin/env bash
# completions/apiuser.fish in a real fish (no user configuration): `complete -C LINE` prints what fish
# would offer at the end of LINE, "MATCH<tab>DESCRIPTION" a line.

source "$(dirname "$0")/lib.sh"
make_store
make_other_store
make_files

# offered LINE: fish's candidates for LINE, with their descriptions.
offered() {
    fish --no-config -c 'source $argv[1]; and complete -C $argv[2]' \
        "$APIUSER_SOURCE_DIR/completions/apiuser.fish" "$1" | LC_ALL=C sort
}
# matches LINE: the candidates alone.
matches() {
    offered "$1" | cut -f 1
}

check_equal "subcommands from a prefix" "disable"$'\t'"Stop API users from authenticating (all or nothing)" \
    "$(offered 'apiuser dis')"
commands=$(matches 'apiuser ')
check_every_command "subcommands" "$commands"
check_equal "member subcommands" "$(sorted add list remove set)" "$(matches 'apiuser member ')"
check_equal "options from a prefix" "$(sorted --status --store)" "$(matches 'apiuser list --st')"
check_equal "values of --status" "$(sorted disabled enabled revoked)" "$(matches 'apiuser list --status ')"
check_equal "--status=VALUE" "--status=disabled" "$(matches 'apiuser list --status=dis')"
check_equal "enable offers disabled users, described" "$disabled_user"$'\t'"Deploy bot" "$(offered 'apiuser enable ')"
check_equal "disable offers enabled users" "$(sorted "$enabled_user" "$other_enabled_user")" \
    "$(matches 'apiuser disable ')"
check_equal "revoke offers every user not revoked" "$(sorted "$enabled_user" "$other_enabled_user" "$disabled_user")" \
    "$(matches 'apiuser revoke ')"
check_equal "member logins" "$(sorted alice bob)" "$(matches 'apiuser member set ')"
check_equal "--store on the line" "$other_user" "$(matches "apiuser --store $other_store disable ")"
check_equal "\$APIUSER_STORE" "$other_user" "$(APIUSER_STORE=$other_store matches 'apiuser disable ')"
check_equal "--store completes paths" "$test_dir/files/store.db" "$(matches "apiuser --store $test_dir/files/st")"
check_equal "--store=PATH completes paths" "--store=$test_dir/files/store.db" \
    "$(matches "apiuser --store=$test_dir/files/st")"
check_equal "--password-file completes paths" "$test_dir/files/secret.txt" \
    "$(matches "apiuser passwd x --password-file $test_dir/files/se")"
check_equal "no store, no candidates, no error" "" \
    "$(APIUSER_STORE=$test_dir/missing.db offered 'apiuser disable ' 2>&1)"

finish
