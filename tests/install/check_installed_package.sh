#!/usr/bin/env bash
# Installs the build into a temporary prefix, builds the example against the installed CMake package
# (nothing from the build tree), authenticates from several threads through it, and checks the store
# afterwards: last-used time recorded, and one audit row per failed call with its true reason.
#
# usage: check_installed_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/tests/install/example" -B "$work/example" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/example" >/dev/null

apiuser=("$work/prefix/bin/apiuser" --store "$work/store/apiuser.db")
"${apiuser[@]}" init --company "Example Ltd" --argon2 m=8,t=1,p=1 2>/dev/null >/dev/null
password='Corr3ct-Horse!'
username=$(printf '%s\n' "$password" | "${apiuser[@]}" create --password-stdin --quiet --description "API server")

threads=4
calls=5
"$work/example/authenticate_from_threads" "$work/store/apiuser.db" "$username" "$password" "$threads" "$calls"

described=$("${apiuser[@]}" describe "$username" --json)
grep -q '"last_used_at":"20' <<<"$described" || { echo "last_used_at not recorded: $described" >&2; exit 1; }
failures=$("${apiuser[@]}" log --json --target "$username" | grep -c '"reason":"wrong_password"')
# A name that is no API user is logged without the name itself (it might be a mistyped password).
unknown=$("${apiuser[@]}" log --json | grep '"reason":"unknown_user"' | grep -vc 'apiuser-000000000000')
expected=$((threads * calls))
if [[ $failures -ne $expected || $unknown -ne $expected ]]; then
    echo "expected $expected failure rows of each kind, got $failures wrong_password and $unknown unknown_user" >&2
    exit 1
fi
log=$("${apiuser[@]}" log --json)
grep -q '"actor":"example-server"' <<<"$log" || { echo "audit rows lack the server's actor name" >&2; exit 1; }
echo "installed package: $((threads * calls * 3)) authentications from $threads threads checked"
