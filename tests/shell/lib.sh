# Sourced by the shell tests: a private temporary directory, `apiuser` first on PATH, a store with known
# members and API users in every state, and checks that report every failure before the test exits.
# CTest passes APIUSER_BINARY (the binary under test) and APIUSER_SOURCE_DIR (the repository).

set -euo pipefail
: "${APIUSER_BINARY:?set APIUSER_BINARY to the apiuser binary under test}"
: "${APIUSER_SOURCE_DIR:?set APIUSER_SOURCE_DIR to the repository}"

test_dir=$(mktemp -d)
trap 'rm -rf "$test_dir"' EXIT
export HOME=$test_dir/home
export APIUSER_STORE=$test_dir/store/apiuser.db
export LANG=C.UTF-8
unset XDG_DATA_HOME NO_COLOR
mkdir -p "$HOME" "$test_dir/bin"
# Completion scripts call the command by the name typed, as a shell would find it.
ln -s "$APIUSER_BINARY" "$test_dir/bin/apiuser"
export PATH=$test_dir/bin:$PATH

failures=0

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    failures=$((failures + 1))
}

# check_equal WHAT EXPECTED ACTUAL
check_equal() {
    if [[ $2 != "$3" ]]; then
        fail "$1: expected [$2], got [$3]"
    fi
}

# check_contains WHAT NEEDLE HAYSTACK
check_contains() {
    if [[ $3 != *"$2"* ]]; then
        fail "$1: [$2] not in [$3]"
    fi
}

# check_lacks WHAT NEEDLE HAYSTACK
check_lacks() {
    if [[ $3 == *"$2"* ]]; then
        fail "$1: [$2] unexpectedly in [$3]"
    fi
}

# The top-level commands, in the order --help lists them.
all_commands="create list describe enable disable revoke passwd verify member account init log help"

# check_every_command WHAT CANDIDATES: every command is among CANDIDATES, the hidden __complete is not.
check_every_command() {
    local command
    for command in $all_commands; do
        check_contains "$1: $command" "$command" "$2"
    done
    check_lacks "$1: the hidden entry point" "__complete" "$2"
}

# Ends the test: exit status 1 when any check failed.
finish() {
    if ((failures > 0)); then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
}

# Creates the store: members alice (admin) and bob, and an API user in each state, whose usernames
# are left in $enabled_user, $disabled_user, $revoked_user and $other_enabled_user.
make_store() {
    apiuser init --company "Acme Widgets Ltd" --argon2 m=8,t=1,p=1 >/dev/null 2>&1
    apiuser member add alice --manage-account --allow-unknown-login >/dev/null
    apiuser member add bob --allow-unknown-login >/dev/null
    enabled_user=$(apiuser create --description "Magento Production" --generate-password --quiet | head -n 1)
    other_enabled_user=$(apiuser create --description "Dynamics CRM" --generate-password --quiet | head -n 1)
    disabled_user=$(apiuser create --description "Deploy bot" --disabled --generate-password --quiet | head -n 1)
    revoked_user=$(apiuser create --description "Old server" --generate-password --quiet | head -n 1)
    apiuser revoke --yes "$revoked_user" >/dev/null
}

# Creates a second store at $other_store with one API user, $other_user: for --store and $APIUSER_STORE.
make_other_store() {
    other_store=$test_dir/other.db
    APIUSER_STORE=$other_store apiuser init --company "Other Ltd" --argon2 m=8,t=1,p=1 >/dev/null 2>&1
    other_user=$(APIUSER_STORE=$other_store apiuser create --generate-password --quiet | head -n 1)
}

# Creates $test_dir/files/secret.txt and store.db, for path completion.
make_files() {
    mkdir "$test_dir/files"
    touch "$test_dir/files/secret.txt" "$test_dir/files/store.db"
}

# Prints its arguments one a line, sorted as the tests sort candidates.
sorted() {
    printf '%s\n' "$@" | LC_ALL=C sort
}
