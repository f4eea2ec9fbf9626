#!/usr/bin/env bash
# What `cmake --install` lays out, into a temporary prefix: the binary, the man page where man finds it,
# and the completions where bash-completion and fish load them from on their own (found through
# XDG_DATA_DIRS, as they find /usr/share). Files get their modes whatever the umask; the directories
# CMake creates follow it, which the Debian package corrects (package_test.sh checks that).
# CTest also passes APIUSER_BUILD_DIR.

source "$(dirname "$0")/lib.sh"
: "${APIUSER_BUILD_DIR:?set APIUSER_BUILD_DIR to the build directory}"
prefix=$test_dir/prefix
(umask 077 && cmake --install "$APIUSER_BUILD_DIR" --prefix "$prefix" >/dev/null)

# mode PATH: the permission bits, e.g. 644.
mode() {
    stat -c %a "$1"
}

check_equal "the binary" "755" "$(mode "$prefix/bin/apiuser")"
check_equal "the installed binary runs" "$(apiuser --version)" "$("$prefix/bin/apiuser" --version)"
declare -A installed=(
    [share/man/man1/apiuser.1.gz]=man/apiuser.1
    [share/bash-completion/completions/apiuser]=completions/apiuser.bash
    [share/zsh/vendor-completions/_apiuser]=completions/_apiuser
    [share/fish/vendor_completions.d/apiuser.fish]=completions/apiuser.fish
)
for file in "${!installed[@]}"; do
    check_equal "mode of $file" "644" "$(mode "$prefix/$file" 2>&1)"
    if [[ $file == *.gz ]]; then
        content=$(gzip -dc "$prefix/$file")
    else
        content=$(cat "$prefix/$file")
    fi
    check_equal "content of $file" "$(cat "$APIUSER_SOURCE_DIR/${installed[$file]}")" "$content"
done
# The library (its own tests are in tests/install): shared object, headers and CMake package are there, the
# library in Debian's multiarch directory as in the libapiuser0 package, whatever the prefix.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for pattern in "lib/$multiarch/libapiuser.so.*" "include/apiuser/authenticator.hpp" \
    "lib/$multiarch/cmake/apiuser/apiuserConfig.cmake"; do
    # shellcheck disable=SC2086 # the pattern is meant to be expanded
    found=$(cd "$prefix" && ls -d $pattern 2>/dev/null | head -n 1)
    check_contains "installed $pattern" "${pattern%%\**}" "$found"
done

check_equal "man finds the page" "$prefix/share/man/man1/apiuser.1.gz" \
    "$(MANPATH=$prefix/share/man man -w apiuser)"
check_contains "man renders the page" "apiuser - administer the API users" \
    "$(MANPATH=$prefix/share/man MANWIDTH=100 man apiuser 2>/dev/null)"

# bash-completion loads share/bash-completion/completions/apiuser by itself on the first Tab.
make_store
bash_says=$(XDG_DATA_DIRS=$prefix/share bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    _completion_loader apiuser
    COMP_WORDS=(apiuser enable "") COMP_CWORD=2 COMP_LINE="apiuser enable " COMP_POINT=15
    $(complete -p apiuser | sed "s/.*-F \([^ ]*\) .*/\1/") apiuser "" enable
    printf "%s\n" "${COMPREPLY[@]}"')
check_equal "bash-completion loads the installed file" "$disabled_user" "$bash_says"

# fish loads share/fish/vendor_completions.d/apiuser.fish by itself (its own start-up, with HOME empty).
fish_says=$(XDG_DATA_DIRS=$prefix/share fish -c 'complete -C "apiuser dis"' | cut -f 1)
check_equal "fish loads the installed file" "disable" "$fish_says"

finish
