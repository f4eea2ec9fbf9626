#!/usr/bin/env bash
# The Debian packages end to end, as CI runs it (.ci/run, as root: it installs packages and removes them
# again). CPack builds apiuser, libapiuser0 and libapiuser-dev from BUILD_DIR under a umask that would make
# directories private; lintian finds nothing to say about them; each holds what it should and nothing
# else, with root's ownership and Debian's modes; their dependencies name the package of every library
# their files link (computed by dpkg-shlibdeps, not typed) and Debian's archive has each of them; apt-get
# installs the three; the installed program runs, `man -w` finds its page, bash completes through the
# installed file; the example API server builds against libapiuser-dev with find_package(apiuser) and
# authenticates through libapiuser0; apt-get removes them, leaving nothing behind under /usr.
#
# usage: tests/shell/package_test.sh BUILD_DIR
set -euo pipefail
build_dir=$(cd "${1:?usage: package_test.sh BUILD_DIR}" && pwd)
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
packages=(apiuser libapiuser0 libapiuser-dev)
if [[ $(id -u) -ne 0 ]]; then
    echo "package_test: run it as root: it installs and removes the apiuser packages" >&2
    exit 1
fi
# installed PACKAGE: whether dpkg has it installed (or half-installed).
installed() {
    dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null | grep -qv '^not-installed$'
}
for package in "${packages[@]}"; do
    if installed "$package"; then
        echo "package_test: the $package package is installed already, and this test would remove it" >&2
        exit 1
    fi
done

work=$(mktemp -d)
remove_packages() {
    DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq "${packages[@]}" >"$work/remove.log" 2>&1
}
cleanup() {
    for package in "${packages[@]}"; do
        if installed "$package"; then
            remove_packages || true
            break
        fi
    done
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
version=$("$build_dir/apiuser" --version | cut -d ' ' -f 2)  # project(VERSION), as the program says it
architecture=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
declare -A deb
for package in "${packages[@]}"; do
    deb[$package]=$work/out/${package}_${version}_${architecture}.deb
    [[ -f ${deb[$package]} ]] || { echo "package_test: cpack did not make $(basename "${deb[$package]}")" >&2; ls "$work/out" >&2; exit 1; }
    chmod 644 "${deb[$package]}"  # apt reads it as its own unprivileged user
    [[ $(dpkg-deb -f "${deb[$package]}" Version) == "$version" ]] || fail "$package's version is not $version"
done
echo "package_test: built ${packages[*]} $version"

# lintian: not one error or warning (an override needs a line in the repository saying why). It runs as
# nobody, as it asks to be run (and then says nothing at all about a clean package), from a directory it can enter:
# the checkout may sit in a private (0700) directory, and lintian cannot start in one.
chmod 755 "$work" "$work/out"
if ! (cd "$work" && runuser -u nobody -- lintian --fail-on error,warning "${deb[@]}") >"$work/lintian.log" 2>&1 ||
    [[ -s $work/lintian.log ]]; then
    fail "lintian reports:"
    cat "$work/lintian.log" >&2
fi

# What each package holds: `dpkg-deb -c` paths, one a line, without the directories.
contents() {
    dpkg-deb -c "$1" | awk '$1 !~ /^d/ { print $6 }'
}
# expect PACKAGE PATH...: PACKAGE holds exactly these files (and its copyright and changelog).
expect() {
    local package=$1
    shift
    local expected actual
    expected=$(printf '%s\n' "$@" ./usr/share/doc/"$package"/copyright ./usr/share/doc/"$package"/changelog.gz | sort)
    actual=$(contents "${deb[$package]}" | sort)
    [[ $actual == "$expected" ]] || fail "$package holds [${actual//$'\n'/ }], not [${expected//$'\n'/ }]"
}
libdir=./usr/lib/$multiarch
expect apiuser ./usr/bin/apiuser ./usr/share/man/man1/apiuser.1.gz ./usr/share/bash-completion/completions/apiuser \
    ./usr/share/zsh/vendor-completions/_apiuser ./usr/share/fish/vendor_completions.d/apiuser.fish
expect libapiuser0 "$libdir/libapiuser.so.0" "$libdir/libapiuser.so.$version"
headers=$(cd "$source_dir/include" && printf './usr/include/%s\n' apiuser/*.hpp apiuser/version.hpp)  # + generated
# shellcheck disable=SC2086 # one header a word
expect libapiuser-dev "$libdir/libapiuser.so" $headers \
    "$libdir/cmake/apiuser/apiuserConfig.cmake" "$libdir/cmake/apiuser/apiuserConfigVersion.cmake" \
    "$libdir/cmake/apiuser/apiuserTargets.cmake" "$libdir/cmake/apiuser/apiuserTargets-relwithdebinfo.cmake"
[[ $(dpkg-deb -f "${deb[libapiuser-dev]}" Depends) == *"libapiuser0 (= $version)"* ]] ||
    fail "libapiuser-dev does not depend on libapiuser0 (= $version): [$(dpkg-deb -f "${deb[libapiuser-dev]}" Depends)]"
# libapiuser0: ld.so's cache through dpkg's trigger, no maintainer scripts; a shlibs file for dpkg-shlibdeps.
dpkg-deb -e "${deb[libapiuser0]}" "$work/control"
[[ $(grep -v '^#' "$work/control/triggers" 2>/dev/null) == "activate-noawait ldconfig" ]] ||
    fail "libapiuser0 lacks the ldconfig trigger"
for script in preinst postinst prerm postrm; do
    [[ ! -e $work/control/$script ]] || fail "libapiuser0 has a $script"
done
grep -q "^libapiuser 0 libapiuser0 (>= $version)$" "$work/control/shlibs" 2>/dev/null || fail "libapiuser0's shlibs file"

for package in "${packages[@]}"; do
    file=${deb[$package]}
    # Every library that a file of the package needs comes from a package named in Depends.
    depends=$(dpkg-deb -f "$file" Depends | sed 's/ *([^)]*)//g; s/, */\n/g')  # the names, one a line
    rm -rf "$work/root"
    dpkg-deb -x "$file" "$work/root"
    needed=$(find "$work/root" -type f -exec sh -c 'file -b "$1" | grep -q "^ELF"' sh {} \; -print |
        xargs -r objdump -p | awk '$1 == "NEEDED" { print $2 }' | sort -u)
    if [[ $package != libapiuser-dev ]]; then
        [[ -n $needed ]] || fail "no ELF file in $package needs a library: was it built?"
    fi
    for library in $needed; do
        [[ $library == libapiuser.so.* ]] && continue  # one of ours
        # The package of this architecture ("libc6:amd64: /lib/x86_64-linux-gnu/libm.so.6"), not libc6-i386's.
        provider=$(dpkg-query -S "*/$library" 2>/dev/null | grep "^[^ ]*:$architecture: " | head -n 1 | cut -d : -f 1)
        if [[ -z $provider ]]; then
            fail "no Debian package provides $library"
        elif ! grep -Fqx "$provider" <<<"$depends"; then
            fail "$package's Depends [${depends//$'\n'/ }] lack $provider, which provides $library"
        fi
    done
    # Each dependency that is not one of ours comes from an archive that apt knows (Debian's), not merely
    # from this machine's installed packages: so a fresh machine finds it too.
    for dependency in $depends; do
        [[ " ${packages[*]} " == *" $dependency "* ]] && continue
        offered=$(apt-cache madison "$dependency")
        [[ $offered == *" Packages"* ]] || fail "$package depends on $dependency, which no apt source offers"
    done

    # Ownership and modes: root's, directories and programs 0755, everything else 0644.
    while read -r mode owner _ _ _ path _; do
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
    done < <(dpkg-deb -c "$file")
done

# Installed, all three, by apt-get as an admin would.
find /usr -xdev | sort >"$work/usr.before"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${deb[@]}" >"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log" >&2; exit 1; }
[[ $(command -v apiuser) == /usr/bin/apiuser ]] || fail "apiuser is not /usr/bin/apiuser after installing"
[[ $(apiuser --version) == "apiuser $version" ]] || fail "apiuser --version says [$(apiuser --version)], not $version"
[[ $(man -w apiuser) == /usr/share/man/man1/apiuser.1.gz ]] || fail "man -w apiuser says [$(man -w apiuser 2>&1)]"
# (/lib is /usr/lib on Debian 12, and ld.so's cache names the first of them.)
grep -Eq "libapiuser\.so\.0 .* => (/usr)?/lib/$multiarch/libapiuser\.so\.0$" <<<"$(ldconfig -p)" ||
    fail "libapiuser.so.0 is not in ld.so's cache (the trigger did not run?)"

export HOME=$work/home APIUSER_STORE=$work/store/apiuser.db
mkdir -p "$HOME"
apiuser init --company "Package Test Ltd" --argon2 m=8,t=1,p=1 >/dev/null 2>&1
disabled=$(apiuser create --disabled --generate-password --quiet | head -n 1)
password='Corr3ct-Horse!'
username=$(printf '%s\n' "$password" | apiuser create --password-stdin --quiet --description "API server")
completed=$(bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    _completion_loader apiuser  # what bash-completion does on the first Tab
    COMP_WORDS=(apiuser enable "") COMP_CWORD=2 COMP_LINE="apiuser enable " COMP_POINT=15
    _apiuser apiuser "" enable
    printf "%s\n" "${COMPREPLY[@]}"')
[[ $completed == "$disabled" ]] || fail "bash completion through the installed file offered [$completed]"

# An API server's project, built against libapiuser-dev as installed (nothing from the build tree), runs
# with libapiuser0's library and authenticates against the store that the program made.
if cmake -S "$source_dir/tests/install/example" -B "$work/example" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    >"$work/example.log" 2>&1 && cmake --build "$work/example" >>"$work/example.log" 2>&1; then
    server=$work/example/authenticate_from_threads
    linked=$(ldd "$server" | awk '$1 == "libapiuser.so.0" { print $3 }')
    [[ $(realpath "$linked") == "/usr/lib/$multiarch/libapiuser.so.$version" ]] || fail "the example server loads libapiuser.so.0 from [$linked]"
    "$server" "$APIUSER_STORE" "$username" "$password" 2 2 >"$work/server.log" 2>&1 ||
        { fail "the example server failed:"; cat "$work/server.log" >&2; }
    [[ $(apiuser describe "$username" --json) == *'"last_used_at":"20'* ]] ||
        fail "the example server's authentication did not reach the store"
else
    fail "the example server does not build against libapiuser-dev:"
    cat "$work/example.log" >&2
fi

# Removed, all three: dpkg knows no file of theirs, and /usr is as it was.
remove_packages || { cat "$work/remove.log" >&2; exit 1; }
for package in "${packages[@]}"; do
    ! installed "$package" || fail "$package is still installed after apt-get remove --purge"
    listed=$(dpkg -L "$package" 2>/dev/null || true)
    [[ -z $listed ]] || fail "dpkg -L $package still lists [$listed]"
done
find /usr -xdev | sort >"$work/usr.after"
left=$(comm -3 "$work/usr.before" "$work/usr.after")
[[ -z $left ]] || fail "removing the packages did not restore /usr: [$left]"

if ((failures > 0)); then
    echo "package_test: $failures check(s) failed" >&2
    exit 1
fi
echo "package_test: built, linted, checked, installed, used, built against and removed ${packages[*]} $version"
