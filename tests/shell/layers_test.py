#!/usr/bin/env python3
"""The layer rules of ARCHITECTURE.md, checked on every #include of src/ and include/:

- the public headers (include/apiuser) include only the standard library and each other;
- only src/lib/store/sqlite sees SQLite, only src/lib/store/postgresql libpq, only src/lib/crypto Botan,
  only src/cli CLI11 and the terminal, only src/serve the HTTP library;
- the domain (src/lib outside store/) reaches a store only through store/records.hpp and store/backend.hpp,
  never into a backend's folder; only src/lib/store/*.cpp chooses a backend;
- the lower layers (crypto, policy, text) know nothing of the store or the domain's private headers;
- the library never includes the front ends' sources.

The rules are first run on a small tree that breaks each of them, so that a rule that no longer catches
anything fails here too.
"""
import os
import re
import sys
import tempfile
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
DOMAIN_PRIVATE = {"permissions.hpp", "audit.hpp", "api_user_lookup.hpp"}


def under(path, *folders):
    return any(path == folder or path.startswith(folder + "/") for folder in folders)


def problems_of(path, bracket, name):
    """What is wrong with `path` (relative to the source root) including `name`."""
    found = []
    system = bracket == "<"

    def only(prefixes, folders, what):
        if system and any(name.startswith(prefix) for prefix in prefixes) and not under(path, *folders):
            found.append(f"{what} outside {' or '.join(folders)}")

    only(["sqlite3.h", "SQLiteCpp/"], ["src/lib/store/sqlite"], "SQLite")
    only(["libpq-fe.h", "libpq/", "postgresql/"], ["src/lib/store/postgresql"], "libpq")
    only(["botan/"], ["src/lib/crypto"], "Botan")
    only(["CLI/"], ["src/cli"], "CLI11")
    only(["termios.h", "sys/ioctl.h"], ["src/cli"], "the terminal")
    only(["httplib.h"], ["src/serve"], "the HTTP library")

    if under(path, "include/apiuser"):
        if not system:
            found.append("a public header including a private one")
        elif "/" in name and not name.startswith("apiuser/"):
            found.append("a public header including a third-party library")
        elif name.endswith(".h"):
            found.append("a public header including a system header")
    if under(path, "src/lib") and not system:
        if name.startswith("../") or "/cli/" in name or "/serve/" in name:
            found.append("the library including a front end's source")
        backend = re.match(r"store/([^/]+)/", name)
        if backend and not under(path, "src/lib/store"):
            found.append(f"the domain reaching into the {backend.group(1)} backend")
        if backend and under(path, "src/lib/store") and re.fullmatch(r"src/lib/store/[^/]+", path) is None and \
                not under(path, f"src/lib/store/{backend.group(1)}"):
            found.append(f"another backend reaching into the {backend.group(1)} backend")
        if under(path, "src/lib/crypto", "src/lib/policy", "src/lib/text"):
            if name.startswith("store/") or name in DOMAIN_PRIVATE:
                found.append("a lower layer (crypto, policy, text) including the store or the domain")
    return found


def check(root):
    failures = []
    for folder in ("src", "include"):
        for file in sorted((root / folder).rglob("*")):
            if file.suffix not in (".cpp", ".hpp", ".h", ".in") or not file.is_file():
                continue
            path = file.relative_to(root).as_posix()
            for bracket, name in INCLUDE.findall(file.read_text(errors="replace")):
                for problem in problems_of(path, bracket, name):
                    shown = f"<{name}>" if bracket == "<" else f'"{name}"'
                    failures.append(f"{path}: #include {shown}: {problem}")
    return failures


def self_test():
    """Every rule catches what it is there for, and allows what it must."""
    broken = {
        "src/lib/api_users.cpp": ['<sqlite3.h>', '"store/sqlite/sqlite_backend.hpp"', '<botan/hash.h>'],
        "src/lib/store/postgresql/pg.cpp": ['"store/sqlite/sqlite_backend.hpp"', '<SQLiteCpp/SQLiteCpp.h>'],
        "src/lib/text/unicode.cpp": ['"store/records.hpp"', '"audit.hpp"', '<CLI/CLI.hpp>'],
        "src/lib/members.cpp": ['"../cli/console.hpp"', '<termios.h>', '<libpq-fe.h>', '<httplib.h>'],
        "include/apiuser/store.hpp": ['"store/records.hpp"', '<fmt/format.h>', '<sqlite3.h>'],
    }
    allowed = {
        "src/lib/store/sqlite/records_account.cpp": ['<SQLiteCpp/SQLiteCpp.h>', '"store/sqlite/columns.hpp"'],
        "src/lib/store/store.cpp": ['"store/sqlite/sqlite_store.hpp"', '"store/backend.hpp"'],
        "src/lib/crypto/random.cpp": ['<botan/system_rng.h>'],
        "src/cli/run.cpp": ['<CLI/CLI.hpp>', '<termios.h>'],
        "src/lib/api_users.cpp": ['"store/backend.hpp"', '"text/unicode.hpp"', '<fmt/format.h>'],
        "include/apiuser/account.hpp": ['<apiuser/store.hpp>', '<string>'],
    }
    expected_count = sum(len(names) for names in broken.values())
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for tree in (broken, allowed):
            for path, names in tree.items():
                file = root / path
                file.parent.mkdir(parents=True, exist_ok=True)
                with open(file, "a") as out:
                    out.write("".join(f"#include {name}\n" for name in names))
        failures = check(root)
    caught = {" ".join(line.split(": ")[0:2]).replace(" #include ", " ") for line in failures}
    missed = [f"{path} {name}" for path, names in broken.items() for name in names
              if f"{path} {name}" not in caught]
    wrongly = [line for line in failures
               if any(line.startswith(f"{path}: #include {name}:") for path, names in allowed.items()
                      for name in names)]
    if missed or wrongly:
        for line in missed:
            print(f"layers_test: the rules let through {line}", file=sys.stderr)
        for line in wrongly:
            print(f"layers_test: the rules refuse what is allowed: {line}", file=sys.stderr)
        sys.exit(1)
    if len(failures) < expected_count:
        print(f"layers_test: {len(failures)} problems found in a tree with {expected_count}", file=sys.stderr)
        sys.exit(1)


self_test()
source = Path(os.environ.get("APIUSER_SOURCE_DIR", Path(__file__).resolve().parents[2]))
failures = check(source)
for line in failures:
    print(f"FAIL: {line}", file=sys.stderr)
if failures:
    print(f"layers_test: {len(failures)} include(s) break the layer rules of ARCHITECTURE.md", file=sys.stderr)
    sys.exit(1)
print("layers_test: every #include keeps to its layer")
