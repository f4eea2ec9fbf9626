#!/usr/bin/env python3
"""The man page against the program, so that they cannot drift apart:

- every page in man/ is clean under `mandoc -Tlint` and rendered by `man -l`;
- every command that `apiuser --help` lists (recursively) has its entry under COMMANDS, and every option
  and argument that the command's --help shows appears in that entry; the global options appear under
  GLOBAL OPTIONS;
- EXIT STATUS, the README's exit-code table and src/cli/exit_codes.hpp list the same codes and meanings;
- the page's version is the program's, and the README's command table names every command, with every
  option its --help shows, options that exclude each other shown as alternatives.

CTest passes APIUSER_BINARY and APIUSER_SOURCE_DIR.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

binary = os.environ["APIUSER_BINARY"]
source = Path(os.environ["APIUSER_SOURCE_DIR"])
page = source / "man" / "apiuser.1"
failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL: {message}", file=sys.stderr)


def run(*args, env=None):
    return subprocess.run(args, capture_output=True, text=True, env=env)


def apiuser_help(path):
    """The --help of `apiuser PATH...`."""
    result = run(binary, *path, "--help")
    if result.returncode != 0:
        fail(f"apiuser {' '.join(path)} --help exited with {result.returncode}")
    return result.stdout


def parse_help(text):
    """(options, positionals, subcommands) as a CLI11 help text shows them; each option is the list of
    its names, e.g. ["-q", "--quiet"]."""
    options, positionals, subcommands = [], [], []
    section = None
    for line in text.splitlines():
        if re.match(r"^\S.*:$", line):
            section = line[:-1]
        elif section and re.match(r"^  \S", line):
            first = line.split()[0]
            if section == "Options":
                options.append(first.split(","))
            elif section == "Positionals":
                positionals.append(first)
            elif section != "Example":  # every other section is a group of subcommands
                subcommands.append(first)
    return options, positionals, subcommands


def commands(path=()):
    """Every command path under `path`, depth first, with its help text."""
    text = apiuser_help(list(path))
    yield path, text
    for name in parse_help(text)[2]:
        yield from commands(path + (name,))


# Lint and rendering.
for manual in sorted((source / "man").glob("*.[1-8]")):
    lint = run("mandoc", "-Tlint", str(manual))
    if lint.returncode != 0 or lint.stdout or lint.stderr:
        fail(f"mandoc -Tlint {manual.name}: {lint.stdout}{lint.stderr}")
env = dict(os.environ, MANWIDTH="1000", MAN_KEEP_FORMATTING="", LC_ALL="C.UTF-8")
rendering = run("man", "-l", str(page), env=env)
if rendering.returncode != 0 or "NAME" not in rendering.stdout:
    fail(f"man -l {page.name} exited with {rendering.returncode}: {rendering.stderr}")
# At this width no paragraph wraps: each line is one paragraph or one item, in plain text.
rendered = rendering.stdout


def section(name):
    """The rendered text of the section NAME (a heading at the left margin)."""
    match = re.search(rf"^{name}\n(.*?)(?=^\S)", rendered, re.S | re.M)
    return match.group(1) if match else ""


def entries(text):
    """The entries of COMMANDS: each starts "apiuser COMMAND..." at the 7-column indent."""
    found = {}
    for entry in re.split(r"^(?=       apiuser )", text, flags=re.M):
        words = entry.split()
        if words[:1] == ["apiuser"]:
            name = []
            for word in words[1:]:
                if not re.fullmatch(r"[a-z]+", word):
                    break
                name.append(word)
            found[tuple(name)] = entry
    return found


def items(text, indent=14):
    """The options `text` describes: the tags of its items (at the 14-column indent under COMMANDS)."""
    tags = set()
    for line in re.findall(rf"^ {{{indent}}}(\S.*)$", text, re.M):
        for word in line.split():
            if not re.fullmatch(r"-{1,2}[A-Za-z][\w-]*,?", word):
                break
            tags.add(word.rstrip(","))
    return tags


def words_of(text):
    """The words of `text` that could be an option or an argument name."""
    return set(re.findall(r"-{1,2}[A-Za-z][\w-]*|[A-Z][A-Z_]+", text))


described = entries(section("COMMANDS"))
global_options = section("GLOBAL OPTIONS")
tree = list(commands())
if not described:
    fail("no command entries under COMMANDS")
for path, text in tree:
    options, positionals, subcommands = parse_help(text)
    if not path:
        for option in options:
            for word in option:
                if word not in items(global_options, indent=7):
                    fail(f"global option {word} has no item under GLOBAL OPTIONS")
        continue
    if path[0] == "__complete":
        fail("the hidden __complete shows in apiuser --help")
    name = "apiuser " + " ".join(path)
    if subcommands:  # a group: its entries are its subcommands'
        if not any(key[: len(path)] == path for key in described):
            fail(f"{name} has no entry under COMMANDS")
        continue
    entry = described.get(path)
    if entry is None:
        fail(f"{name} has no entry under COMMANDS")
        continue
    # The synopsis names each option once (short aliases may be left to its item) and each argument.
    synopsis = words_of(entry.splitlines()[0])
    for option in options:
        if option == ["-h", "--help"]:
            continue  # GLOBAL OPTIONS says it once for every command
        if not synopsis.intersection(option):
            fail(f"{option[-1]} of {name} is missing from its synopsis under COMMANDS")
        for word in option:
            if word not in items(entry):
                fail(f"{word} of {name} has no item of its own under COMMANDS")
    for positional in positionals:
        if positional not in synopsis:
            fail(f"{positional} of {name} is missing from its synopsis under COMMANDS")
for key in described:
    if key not in [path for path, _ in tree]:
        fail(f"COMMANDS describes apiuser {' '.join(key)}, which apiuser --help does not show")

# The exit codes: the header's table, the man page's and the README's.
header = (source / "src" / "cli" / "exit_codes.hpp").read_text()
numbers = dict(re.findall(r"^\s+(\w+) = (\d+),$", header, re.M))
from_header = [(numbers[name], meaning)
               for name, meaning in re.findall(r'ExitCodeMeaning\{ExitCode::(\w+), "([^"]*)"\}', header)]
from_man = re.findall(r"^ {7}(\d+) +(\S.*?)\s*$", section("EXIT STATUS"), re.M)
readme = (source / "README.md").read_text()
readme_table = re.search(r"^### Exit codes\n(.*?)(?=^#)", readme, re.S | re.M)
from_readme = re.findall(r"^\| (\d+) \| (.+?) \|$", readme_table.group(1) if readme_table else "", re.M)
if len(from_header) < 8:
    fail(f"could not read the table in exit_codes.hpp: {from_header}")
if from_man != from_header:
    fail(f"EXIT STATUS {from_man} differs from exit_codes.hpp {from_header}")
if from_readme != from_header:
    fail(f"README's exit codes {from_readme} differ from exit_codes.hpp {from_header}")

# The version, and the README's command table.
version = run(binary, "--version").stdout.split()[-1]
title = re.search(r'^\.TH APIUSER 1 \S+ "apiuser ([^"]+)"', page.read_text(), re.M)
if not title or title.group(1) != version:
    fail(f".TH of {page.name} does not carry the version {version}")
# A row names its commands in code spans: "| `enable USERNAME...` / `disable USERNAME...` | ...".
table = {name for row in re.findall(r"^\| `.*$", readme, re.M) for name in re.findall(r"`([a-z]+)", row)}
for path, _ in tree:
    if len(path) == 1 and path[0] not in table:
        fail(f"README's command table lacks {path[0]}")

# Each command's code span in the README's command table names every option its --help shows (the help
# flag aside), and shows options that exclude each other as alternatives: "[--all \| --status S]".
spans = re.findall(r"`([a-z][^`]*)`", "\n".join(re.findall(r"^\| `.*$", readme, re.M)))


def alternatives(span, a, b):
    """Whether `span` offers `a` and `b` as alternatives: "A [VALUE] \\| ... \\| B [VALUE]"."""
    alternative = r"\S+(?: [A-Z][^ \]]*)?"
    chain = rf"(?:{alternative} \\\| )*"
    return any(re.search(rf"(?<![\w-]){re.escape(x)}(?: [A-Z][^ \]]*)? \\\| {chain}{re.escape(y)}(?![\w-])", span)
               for x, y in ((a, b), (b, a)))


for path, text in tree:
    options, positionals, subcommands = parse_help(text)
    if not path or subcommands or path[0] == "__complete":
        continue
    name = " ".join(path)
    span = next((span for span in spans if span == name or span.startswith(name + " ")), None)
    if span is None:
        fail(f"README's command table has no `{name} ...`")
        continue
    words = words_of(span)
    for option in options:
        if option != ["-h", "--help"] and not words.intersection(option):
            fail(f"README's `{name} ...` lacks {option[-1]}")
    for line in text.splitlines():
        excluding = re.match(r"^  (?:-\w,)?(--[\w-]+)\b.*?Excludes: ((?:-{1,2}[\w-]+ ?)+)", line)
        for other in excluding.group(2).split() if excluding else []:
            if not alternatives(span, excluding.group(1), other):
                fail(f"README's `{name} ...` does not show {excluding.group(1)} and {other} as alternatives")

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print(f"{len(tree)} commands checked against the man page; exit codes and version agree")
