#!/usr/bin/env bash
# The Debian package end to end, as CI runs it (.ci/run, as root: it installs a package and removes it
# again). CPack builds it from BUILD_DIR under a umask that would make directories private; its
# dependencies must name the package of every library its files link (computed by dpkg-shlibdeps, not
# typed); its files belong to root with Debian's modes; apt-get installs it; the installed program runs,
# `man -w` finds its page and bash completes through the installed file; apt-get removes it.
#
# usage: tests/shell/package_test.sh BUILD_DIR
set -euo pipefail
build_dir=$(cd "${1:?usage: package_test.sh BUILD_DIR}" && pwd)
if [[ $(id -u) -ne 0 ]]; then
    echo "package_test: run it as root: it installs and removes the apiuser package" >&2
    exit 1
fi
if dpkg-query -W -f '${Status}' apiuser 2>/dev/null | grep -q ' installed$'; then
    echo "package_test: the apiuser package is installed already, and this test would remove it" >&2
    exit 1
fi

work=$(mktemp -d)
cleanup() {
    if dpkg-query -W -f '${Status}' apiuser 2>/dev/null | grep -q ' installed$'; then
        apt-get remove --purge -y -qq apiuser >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    failures=$((failures + 1))
}

(cd "$work" && umask 077 && cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log") ||
    { cat "$work/cpack.log" >&2; exit 1; }
debs=("$work"/out/apiuser_*.deb)
deb=${debs[0]}
chmod 644 "$deb"  # apt reads it as its own unprivileged user
version=$(dpkg-deb -f "$deb" Version)
echo "package_test: built $(basename "$deb")"

# Every library that a file of the package needs comes from a package named in Depends.
depends=$(dpkg-deb -f "$deb" Depends | sed 's/ *([^)]*)//g; s/, */\n/g')  # the names, one a line
architecture=$(dpkg --print-architecture)
dpkg-deb -x "$deb" "$work/root"
needed=$(find "$work/root" -type f -exec sh -c 'file -b "$1" | grep -q "^ELF"' sh {} \; -print |
    xargs -r objdump -p | awk '$1 == "NEEDED" { print $2 }' | sort -u)
[[ -n $needed ]] || fail "no ELF file in the package needs a library: was it built?"
for library in $needed; do
    [[ $library == libapiuser.so.* ]] && continue  # the package's own
    # The package of this architecture ("libc6:amd64: /lib/x86_64-linux-gnu/libm.so.6"), not libc6-i386's.
    provider=$(dpkg-query -S "*/$library" 2>/dev/null | grep "^[^ ]*:$architecture: " | head -n 1 | cut -d : -f 1)
    if [[ -z $provider ]]; then
        fail "no Debian package provides $library"
    elif ! grep -Fqx "$provider" <<<"$depends"; then
        fail "Depends [$(echo $depends)] lacks $provider, which provides $library"
    fi
done

# Ownership and modes: root's, directories and programs 0755, everything else 0644.
while read -r mode owner _ _ _ path; do
    [[ $owner == root/root ]] || fail "$path belongs to $owner"
    case $mode in
        d*) [[ $mode == drwxr-xr-x ]] || fail "directory $path has mode $mode" ;;
        l*) ;;
        *)
            expected=-rw-r--r--
            [[ $path == ./usr/bin/* ]] && expected=-rwxr-xr-x
            [[ $mode == "$expected" ]] || fail "$path has mode $mode, not $expected"
            ;;
    esac
done < <(dpkg-deb -c "$deb")
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/apiuser ./usr/share/man/man1/apiuser.1.gz ./usr/share/bash-completion/completions/apiuser \
    ./usr/share/zsh/vendor-completions/_apiuser ./usr/share/fish/vendor_completions.d/apiuser.fish; do
    grep -q " $path$" <<<"$contents" || fail "the package lacks $path"
done

# Installed: the program, its man page, its bash completion, its library in ld.so's cache.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log" >&2; exit 1; }
[[ $(command -v apiuser) == /usr/bin/apiuser ]] || fail "apiuser is not /usr/bin/apiuser after installing"
[[ $(apiuser --version) == "apiuser $version" ]] || fail "apiuser --version says [$(apiuser --version)], not $version"
[[ $(man -w apiuser) == /usr/share/man/man1/apiuser.1.gz ]] || fail "man -w apiuser says [$(man -w apiuser 2>&1)]"
ldconfig -p | grep -q 'libapiuser\.so\.0 ' || fail "libapiuser.so.0 is not in ld.so's cache"

export HOME=$work/home APIUSER_STORE=$work/store/apiuser.db
mkdir -p "$HOME"
apiuser init --company "Package Test Ltd" --argon2 m=8,t=1,p=1 >/dev/null 2>&1
disabled=$(apiuser create --disabled --generate-password --quiet | head -n 1)
apiuser create --generate-password --quiet >/dev/null
completed=$(bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    _completion_loader apiuser  # what bash-completion does on the first Tab
    COMP_WORDS=(apiuser enable "") COMP_CWORD=2 COMP_LINE="apiuser enable " COMP_POINT=15
    _apiuser apiuser "" enable
    printf "%s\n" "${COMPREPLY[@]}"')
[[ $completed == "$disabled" ]] || fail "bash completion through the installed file offered [$completed]"

apt-get remove --purge -y -qq apiuser >/dev/null 2>&1
[[ ! -e /usr/bin/apiuser && ! -e /usr/share/man/man1/apiuser.1.gz ]] || fail "apt-get remove left files behind"

if ((failures > 0)); then
    echo "package_test: $failures check(s) failed" >&2
    exit 1
fi
echo "package_test: built, checked, installed, used and removed apiuser $version"
