#!/usr/bin/env python3
"""The performance benchmark of apiuser (README.md, "Performance"); run it through tests/bench/run.

Every figure is the median of repeated runs, printed as a ratio to a reference measured in the same run,
because the machine is shared and noisy. A candidate and its reference are run in turns (A B, B A, A B,
...), so that a burst of load from another process lands on both; absolute times are printed beside the
ratios for information only. Whole-process rows spawn the programs directly (no shell) and read each
child's CPU time and peak RSS from wait4; in-process rows run the Google Benchmark programs of this
directory with random interleaving of their repetitions.

Large stores are generated with SQL (generate_store.sql) from a template that apiuser itself made, and
cached under the build directory, keyed by the schema version, the generator version and the size.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# Bump when generate_store.sql changes, so that cached stores are made again.
GENERATOR_VERSION = 1

PASSWORD = "c0rrect-h0rse-battery\n"
DEFAULT_ARGON2 = "m=19456,t=2,p=1"
OLD_ARGON2 = "m=4864,t=2,p=1"  # the mixed store's older hashes: a quarter of the work
CHEAP_ARGON2 = "m=8,t=1,p=1"
ARGON2_MEMORY_KIB = 19456
ARGON2_REFERENCE = ["argon2", "saltsaltsaltsalt", "-id", "-k", "19456", "-t", "2", "-p", "1", "-e"]

# The columns `list --json` and `describe --json` print, as the sqlite3 shell selects them (the "hash"
# object is derived from the stored PHC string, which the reference prints whole).
USER_COLUMNS = ("username, id, description, status, created_at, created_by, updated_at, updated_by, revoked_at, "
                "revoked_by, last_used_at, failed_attempts, password_hash AS hash, previous_password_expires_at")


class BenchError(Exception):
    pass


# ------------------------------------------------------------------------------------------------------
# Running processes


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds
    maxrss_kib: int = 0  # only when measured through apiuser_bench_peak_rss


@dataclass
class Command:
    argv: list
    stdin: Path | None = None
    prepare: list | None = None  # run, untimed, before every timed run (e.g. disable before enable)
    env: dict | None = None


class Runner:
    """Spawns commands without a shell and measures them."""

    def __init__(self, work: Path, peak_rss: Path):
        self.work = work
        self.peak_rss_program = peak_rss
        self.env = dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8")
        self.env.pop("APIUSER_STORE", None)

    def run(self, command: Command) -> Sample:
        if command.prepare:
            self._spawn(command.prepare, None, command.env)
        return self._spawn(command.argv, command.stdin, command.env)

    def peak_rss(self, command: Command) -> Sample:
        """Runs `command` through apiuser_bench_peak_rss; the sample's time includes that of the helper."""
        result = self.work / "peak-rss"
        sample = self._spawn([self.peak_rss_program, result, *command.argv], command.stdin, command.env)
        sample.maxrss_kib = int(result.read_text())
        return sample

    def _spawn(self, argv, stdin, env) -> Sample:
        argv = [str(a) for a in argv]
        program = shutil.which(argv[0]) if os.sep not in argv[0] else argv[0]
        if program is None:
            raise BenchError(f"{argv[0]}: not found")
        with tempfile.TemporaryFile(dir=self.work) as stderr:
            actions = [
                (os.POSIX_SPAWN_OPEN, 0, str(stdin) if stdin else os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_DUP2, stderr.fileno(), 2),
            ]
            start = time.perf_counter()
            pid = os.posix_spawn(program, argv, env or self.env, file_actions=actions)
            _, status, usage = os.wait4(pid, 0)
            wall = time.perf_counter() - start
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                stderr.seek(0)
                message = stderr.read().decode(errors="replace").strip()
                raise BenchError(f"{' '.join(argv)} exited with {code}: {message}")
        return Sample(wall, usage.ru_utime + usage.ru_stime)

    def output(self, argv, stdin=None) -> str:
        argv = [str(a) for a in argv]
        with open(stdin or os.devnull, "rb") as source:
            result = subprocess.run(argv, stdin=source, capture_output=True, env=self.env)
        if result.returncode != 0:
            raise BenchError(f"{' '.join(map(str, argv))} exited with {result.returncode}: "
                             f"{result.stderr.decode(errors='replace').strip()}")
        return result.stdout.decode()

    def compare(self, commands: list, runs: int, warmup: int) -> list:
        """Runs `commands` in turns, the order reversed every other round; returns their samples."""
        for _ in range(warmup):
            for command in commands:
                self.run(command)
        samples = [[] for _ in commands]
        for round_number in range(runs):
            order = list(range(len(commands)))
            if round_number % 2:
                order.reverse()
            for index in order:
                samples[index].append(self.run(commands[index]))
        return samples


def median_wall(samples) -> float:
    return statistics.median(s.wall for s in samples)


def median_rss_mib(samples) -> float:
    return statistics.median(s.maxrss_kib for s in samples) / 1024


# ------------------------------------------------------------------------------------------------------
# The table


@dataclass
class Row:
    number: str
    what: str
    figure: float | None = None
    unit: str = "x"  # "x" for a ratio, "MiB" for memory
    reference: str = ""
    goal: str = ""
    met: bool | None = None
    detail: str = ""  # absolute figures, for information only
    notes: list = field(default_factory=list)

    def figure_text(self) -> str:
        if self.figure is None:
            return "-"
        return f"{self.figure:.2f}x" if self.unit == "x" else f"{self.figure:.1f} MiB"

    def verdict(self) -> str:
        return "-" if self.met is None else "met" if self.met else "MISSED"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def print_table(rows, header_lines, markdown: bool):
    headings = ["#", "What", "Figure", "Reference (same run)", "Goal", "Result", "Absolute (information only)"]
    cells = [[r.number, r.what, r.figure_text(), r.reference, r.goal, r.verdict(), r.detail] for r in rows]
    if markdown:
        for line in header_lines:
            print(line + "  ")
        print()
        print("| " + " | ".join(headings) + " |")
        print("|" + "|".join("---" for _ in headings) + "|")
        for row in cells:
            print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    else:
        for line in header_lines:
            print(line)
        print()
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headings)]
        print("  ".join(h.ljust(w) for h, w in zip(headings, widths)).rstrip())
        print("  ".join("-" * w for w in widths))
        for row in cells:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    notes = [(r.number, n) for r in rows for n in r.notes]
    if notes:
        print()
        for number, note in notes:
            print(f"{'- ' if markdown else ''}Row {number}: {note}")


# ------------------------------------------------------------------------------------------------------
# Stores


class Stores:
    """Makes stores: small ones through the CLI, large ones with SQL from a CLI-made template, cached."""

    def __init__(self, runner: Runner, apiuser: Path, cache: Path, work: Path, source: Path, password: Path):
        self.runner = runner
        self.apiuser = apiuser
        self.cache = cache
        self.work = work
        self.source = source
        self.password = password
        self.counter = 0
        self.cache.mkdir(parents=True, exist_ok=True)
        os.chmod(self.cache, 0o700)

    def path(self, name: str) -> Path:
        self.counter += 1
        return self.work / f"{self.counter:02d}-{name}.db"

    def empty(self, argon2: str) -> Path:
        """A new store with an account (owned by whoever runs this) and no API users."""
        path = self.path("empty")
        self.runner.output([str(self.apiuser), "--store", str(path), "init", "--company", "Bench Ltd", "--argon2",
                            argon2])
        return path

    def with_users(self, count: int) -> Path:
        """A working copy of a store of `count` API users (Argon2 m=8,t=1,p=1), generated once and cached."""
        template = self.empty(CHEAP_ARGON2)
        self.runner.output([str(self.apiuser), "--store", str(template), "create", "--password-stdin",
                            "--description", "Template"], stdin=self.password)
        version = self.runner.output(["sqlite3", str(template), "PRAGMA user_version"]).strip()
        cached = self.cache / f"users-{count}-schema{version}-generator{GENERATOR_VERSION}.db"
        if not cached.exists():
            print(f"bench: generating a store of {count:,} API users (cached in {cached.parent})", file=sys.stderr)
            partial = cached.with_suffix(".partial")
            shutil.copyfile(template, partial)
            os.chmod(partial, 0o600)
            self.runner.output(["sqlite3", str(partial), f".parameter set :count {count}",
                                f".read {self.source / 'generate_store.sql'}"])
            os.replace(partial, cached)
        copy = self.path(f"users-{count}")
        shutil.copyfile(cached, copy)
        os.chmod(copy, 0o600)
        return copy

    def user_in_the_middle(self, store: Path) -> str:
        """The username of an enabled API user halfway through `store`."""
        return self.runner.output(["sqlite3", str(store),
                                   "SELECT username FROM api_users WHERE status = 'enabled' AND seq >= "
                                   "(SELECT max(seq) / 2 FROM api_users) ORDER BY seq LIMIT 1"]).strip()

    def htpasswd_file(self, entries: int) -> Path:
        """An htpasswd file of `entries` bcrypt (cost 4) entries, one real hash repeated."""
        path = self.work / f"htpasswd-{entries}"
        line = self.runner.output(["htpasswd", "-n", "-i", "-B", "-C", "4", "someone"], stdin=self.password)
        hash_part = line.strip().split(":", 1)[1]
        with open(path, "w") as out:
            for i in range(entries):
                out.write(f"user{i}:{hash_part}\n")
        return path


# ------------------------------------------------------------------------------------------------------
# The rows


@dataclass
class Settings:
    quick: bool
    runs: int  # timed rounds of whole-process comparisons
    warmup: int
    users_large: int  # the "1,000,000 users" store
    users_list: int  # the "100,000 users" store
    users_completion: int  # the "10,000 users" store
    htpasswd_entries: int
    parallel_batch: int  # creates per batch in row 6
    benchmark_repetitions: int
    benchmark_min_time: float


def hyperfine_ratio(ctx, candidate: Command, reference: Command, runs: int) -> float:
    """The same comparison through hyperfine (--hyperfine), as an independent check of this harness.

    Hyperfine runs all of one command's runs, then all of the other's, through a shell (whose start-up it
    measures and subtracts), so on a busy machine it is the noisier of the two."""
    def shell(argv, stdin=None):
        text = " ".join(shlex.quote(str(a)) for a in argv)
        return f"{text} < {shlex.quote(str(stdin))}" if stdin else text

    export = ctx.work / "hyperfine.json"
    argv = ["hyperfine", "--style", "none", "--warmup", str(ctx.settings.warmup), "--runs", str(runs),
            "--export-json", export]
    if candidate.prepare:
        argv += ["--prepare", shell(candidate.prepare), "--prepare", "true"]
    argv += [shell(candidate.argv, candidate.stdin), shell(reference.argv, reference.stdin)]
    ctx.runner.output(argv)
    results = json.loads(export.read_text())["results"]
    return results[0]["median"] / results[1]["median"]


def whole_process_ratio(ctx, number, what, candidate, reference, reference_name, goal, runs=None):
    runs = runs or ctx.settings.runs
    cand, ref = ctx.runner.compare([candidate, reference], runs, ctx.settings.warmup)
    ratio = median_wall(cand) / median_wall(ref)
    detail = (f"{ms(median_wall(cand))} vs {ms(median_wall(ref))}; CPU {ms(statistics.median(s.cpu for s in cand))}"
              f" vs {ms(statistics.median(s.cpu for s in ref))}")
    if ctx.hyperfine:
        detail += f"; hyperfine: {hyperfine_ratio(ctx, candidate, reference, runs):.2f}x"
    return Row(number, what, ratio, reference=reference_name, goal=f"<= {goal:.2f}x", met=ratio <= goal,
               detail=detail)


def row_1(ctx):
    store = ctx.stores.empty(DEFAULT_ARGON2)
    create = Command([ctx.apiuser, "--store", store, "create", "--password-stdin"], stdin=ctx.password)
    reference = Command(ARGON2_REFERENCE, stdin=ctx.password)
    return [whole_process_ratio(ctx, "1", f"create --password-stdin, whole process, Argon2id {DEFAULT_ARGON2}",
                                create, reference, "argon2 CLI, same parameters", 1.15)]


def google_benchmark(ctx, program: Path, extra: list) -> list:
    """Runs a Google Benchmark program; returns its per-repetition results."""
    output = ctx.runner.output([str(program), "--benchmark_format=json",
                                f"--benchmark_repetitions={ctx.settings.benchmark_repetitions}",
                                f"--benchmark_min_time={ctx.settings.benchmark_min_time}",
                                "--benchmark_enable_random_interleaving=true", *extra])
    return [b for b in json.loads(output)["benchmarks"] if b.get("run_type") == "iteration"]


def by_name(results, key):
    values = {}
    for result in results:
        if key in result:
            values.setdefault(result["run_name"], []).append(result[key])
    return {name: statistics.median(v) for name, v in values.items()}


def row_2(ctx):
    results = google_benchmark(ctx, ctx.bench_hash, [f"--argon2={DEFAULT_ARGON2}"])
    times = by_name(results, "real_time")
    library, reference = times["library_hash_password"], times["libargon2_hash_encoded"]
    botan = times["botan_argon2_alone"]
    ratio = library / reference
    # Botan's argon2() alone shows how much of the gap is Botan's Argon2 itself, which the product keeps.
    return [Row("2", f"library hash_password, in process, Argon2id {DEFAULT_ARGON2}", ratio,
                reference="libargon2 in process", goal="<= 1.05x", met=ratio <= 1.05,
                detail=f"{library:.1f} ms vs {reference:.1f} ms; Botan::argon2 alone {botan:.1f} ms: "
                       f"Botan {botan / reference:.2f}x libargon2, hash_password {library / botan:.2f}x Botan")]


def row_3(ctx):
    store = ctx.stores.with_users(ctx.settings.users_list)
    username = ctx.stores.user_in_the_middle(store)
    apiuser = [ctx.apiuser, "--store", store]
    reference = Command(["sqlite3", store, f"SELECT {USER_COLUMNS} FROM api_users WHERE username = '{username}'"])
    size = f"{ctx.settings.users_list:,} users"
    rows = []
    for letter, verb, undo in (("a", "describe", None), ("b", "enable", "disable"), ("c", "disable", "enable")):
        prepare = [*apiuser, undo, username] if undo else None
        candidate = Command([*apiuser, verb, username], prepare=prepare)
        what = f"{verb}, whole process, {size}" + (" (each run a real change)" if undo else "")
        rows.append(whole_process_ratio(ctx, f"3{letter}", what, candidate, reference,
                                        "sqlite3 SELECT ... WHERE username", 2.5))
    return rows


def check_list_output(ctx, store: Path):
    """Checks that apiuser opens a generated store and lists every API user that is not revoked."""
    expected = int(ctx.runner.output(["sqlite3", str(store),
                                      "SELECT count(*) FROM api_users WHERE status <> 'revoked'"]).strip())
    listed = json.loads(ctx.runner.output([str(ctx.apiuser), "--store", str(store), "list", "--json"]))
    if len(listed) != expected or any("username" not in user for user in listed):
        raise BenchError(f"list --json printed {len(listed)} API users of {expected}")


def row_4(ctx):
    store = ctx.stores.with_users(ctx.settings.users_list)
    check_list_output(ctx, store)
    candidate = Command([ctx.apiuser, "--store", store, "list", "--json"])
    reference = Command(["sqlite3", "-json", store,
                         f"SELECT {USER_COLUMNS} FROM api_users WHERE status <> 'revoked' ORDER BY seq"])
    runs = max(3, ctx.settings.runs // 3)
    return [whole_process_ratio(ctx, "4", f"list --json, {ctx.settings.users_list:,} users", candidate, reference,
                                "sqlite3 -json SELECT same columns", 1.0, runs)]


def row_5(ctx):
    large = ctx.large_store()
    empty = ctx.stores.empty(CHEAP_ARGON2)
    create = lambda store: Command([ctx.apiuser, "--store", store, "create", "--password-stdin"], stdin=ctx.password)
    into_large, into_empty = ctx.runner.compare([create(large), create(empty)], ctx.settings.runs,
                                                ctx.settings.warmup)
    ratio = median_wall(into_large) / median_wall(into_empty)
    htpasswd = lambda path: Command(["htpasswd", "-i", "-B", "-C", "4", path, "benchuser"], stdin=ctx.password)
    entries = ctx.settings.htpasswd_entries
    big_file, empty_file = ctx.stores.htpasswd_file(entries), ctx.stores.htpasswd_file(0)
    into_big, into_nothing = ctx.runner.compare([htpasswd(big_file), htpasswd(empty_file)], ctx.settings.runs,
                                                ctx.settings.warmup)
    htpasswd_ratio = median_wall(into_big) / median_wall(into_nothing)
    return [Row("5", f"create into {ctx.settings.users_large:,} users vs into none, Argon2id {CHEAP_ARGON2}",
                ratio, reference="itself, empty store", goal="<= 1.10x", met=ratio <= 1.10,
                detail=f"{ms(median_wall(into_large))} vs {ms(median_wall(into_empty))}; htpasswd -B -C 4 at "
                       f"{entries:,} vs 0 entries: {htpasswd_ratio:.2f}x "
                       f"({ms(median_wall(into_big))} vs {ms(median_wall(into_nothing))})")]


def row_6(ctx):
    store = ctx.stores.empty(DEFAULT_ARGON2)
    create = Command([ctx.apiuser, "--store", store, "create", "--password-stdin"], stdin=ctx.password)
    batch = ctx.settings.parallel_batch

    def run_batch(workers: int) -> float:
        errors = []

        def worker():
            try:
                for _ in range(batch // workers):
                    ctx.runner.run(create)
            except BenchError as e:
                errors.append(e)

        start = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return time.perf_counter() - start

    run_batch(2)  # warm-up
    one, two = [], []
    for round_number in range(max(3, ctx.settings.runs // 4)):
        for workers in ((1, 2) if round_number % 2 == 0 else (2, 1)):
            (one if workers == 1 else two).append(run_batch(workers))
    ratio = statistics.median(one) / statistics.median(two)
    return [Row("6", f"throughput of 2 parallel creates vs 1, Argon2id {DEFAULT_ARGON2}", ratio,
                reference="itself, 1 process", goal=">= 1.80x", met=ratio >= 1.8,
                detail=f"{batch} creates: {ms(statistics.median(one))} in 1 process at a time vs "
                       f"{ms(statistics.median(two))} in 2")]


def authenticate_results(ctx):
    if ctx.authenticate_results is None:
        directory = Path(tempfile.mkdtemp(dir=ctx.work, prefix="authenticate-"))
        ctx.authenticate_results = google_benchmark(ctx, ctx.bench_authenticate,
                                                    [f"--dir={directory}", f"--argon2={DEFAULT_ARGON2}",
                                                     f"--old-argon2={OLD_ARGON2}"])
    return ctx.authenticate_results


def row_7(ctx):
    rates = by_name(authenticate_results(ctx), "items_per_second")
    one = rates["authenticate_throughput/real_time/threads:1"]
    two = rates["authenticate_throughput/real_time/threads:2"]
    ratio = two / one
    return [Row("7", f"library authenticate throughput, 2 threads vs 1, Argon2id {DEFAULT_ARGON2}", ratio,
                reference="itself, 1 thread", goal=">= 1.80x", met=ratio >= 1.8,
                detail=f"{two:.1f}/s vs {one:.1f}/s")]


def row_8(ctx):
    runs = max(3, ctx.settings.runs // 5)
    measure = lambda command: [ctx.runner.peak_rss(command) for _ in range(runs)]
    listing = measure(Command([ctx.apiuser, "--store", ctx.large_store(), "list", "--json"]))
    store = ctx.stores.empty(DEFAULT_ARGON2)
    create = measure(Command([ctx.apiuser, "--store", store, "create", "--password-stdin"], stdin=ctx.password))
    argon2 = measure(Command(ARGON2_REFERENCE, stdin=ctx.password))
    list_mib, create_mib, argon2_mib = median_rss_mib(listing), median_rss_mib(create), median_rss_mib(argon2)
    argon2_memory_mib = ARGON2_MEMORY_KIB / 1024
    return [Row("8a", f"peak RSS of list --json, {ctx.settings.users_large:,} users", list_mib, unit="MiB",
                reference="-", goal="<= 32 MiB", met=list_mib <= 32, detail=f"{ms(median_wall(listing))}"),
            Row("8b", f"peak RSS of create, Argon2id {DEFAULT_ARGON2}", create_mib, unit="MiB",
                reference=f"Argon2 memory {argon2_memory_mib:.0f} MiB",
                goal=f"<= {argon2_memory_mib + 12:.0f} MiB", met=create_mib <= argon2_memory_mib + 12,
                detail=f"argon2 CLI: {argon2_mib:.1f} MiB")]


def row_9(ctx):
    store = ctx.stores.with_users(ctx.settings.users_completion)
    candidate = Command([ctx.apiuser, "__complete", "--", "--store", store, "describe", ""])
    reference = Command(["sqlite3", store, "SELECT username, description FROM api_users ORDER BY seq"])
    try:
        ctx.runner.output([str(ctx.apiuser), "__complete", "--", "--store", str(store), "describe", ""])
    except BenchError as e:
        return [Row("9", "shell completion of usernames", reference="-", goal="<= 2.50x",
                    notes=[f"pending: {e}"])]
    return [whole_process_ratio(ctx, "9", f"__complete of describe's usernames, {ctx.settings.users_completion:,} users",
                                candidate, reference, "sqlite3 SELECT the same names", 2.5)]


def rows_10_to_13(ctx):
    times = by_name(authenticate_results(ctx), "real_time")
    correct = times["authenticate_outcome/correct_password"]
    rows = []
    for number, outcome in (("10", "unknown_user"), ("11", "revoked_user"), ("12", "wrong_password"),
                            ("13", "disabled_user")):
        value = times[f"authenticate_outcome/{outcome}"]
        ratio = value / correct
        rows.append(Row(number, f"authenticate, {outcome.replace('_', ' ')}, in process", ratio,
                        reference="correct password", goal="0.90x to 1.10x", met=0.9 <= ratio <= 1.1,
                        detail=f"{value:.1f} ms vs {correct:.1f} ms"))
    return rows


def rows_14(ctx):
    """Every failure on a store that holds old and new hashes (its setting raised after some were made)."""
    times = by_name(authenticate_results(ctx), "real_time")
    correct = times["authenticate_mixed/correct_password"]
    rows = []
    for letter, outcome in zip("abcdefg", ("wrong_password_new_hash", "wrong_password_old_hash",
                                           "disabled_user_new_hash", "disabled_user_old_hash", "revoked_user",
                                           "unknown_user", "damaged_hash")):
        value = times[f"authenticate_mixed/{outcome}"]
        ratio = value / correct
        rows.append(Row(f"14{letter}", f"authenticate, mixed {OLD_ARGON2} and {DEFAULT_ARGON2} hashes, "
                                      f"{outcome.replace('_', ' ')}", ratio,
                        reference="correct password, new hash", goal="0.90x to 1.10x", met=0.9 <= ratio <= 1.1,
                        detail=f"{value:.1f} ms vs {correct:.1f} ms"))
    return rows


ROWS = {"1": row_1, "2": row_2, "3": row_3, "4": row_4, "5": row_5, "6": row_6, "7": row_7, "8": row_8,
        "9": row_9, "10": rows_10_to_13, "14": rows_14}


@dataclass
class Context:
    settings: Settings
    runner: Runner
    stores: Stores
    apiuser: Path
    bench_hash: Path
    bench_authenticate: Path
    password: Path
    work: Path
    hyperfine: bool = False  # also measure whole-process rows with hyperfine
    large: Path | None = None  # the working copy of the large store, shared by rows 5 and 8
    authenticate_results: list | None = None  # one run of the authenticate benchmark, for rows 7 and 10-14

    def large_store(self) -> Path:
        if self.large is None:
            self.large = self.stores.with_users(self.settings.users_large)
        return self.large


def describe_machine(source: Path, apiuser: Path) -> list:
    def git(*args):
        result = subprocess.run(["git", "-C", str(source), *args], capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else "?"

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    libraries = subprocess.run(["ldd", str(apiuser)], capture_output=True, text=True).stdout.count("=>")
    return [
        f"apiuser benchmark, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"commit {git('rev-parse', '--short', 'HEAD')}{dirty}; {cpu}, {os.cpu_count()} cores, "
        f"Linux {platform.release()}; apiuser loads {libraries} shared libraries",
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs: checks that it runs")
    parser.add_argument("--rows", help="comma-separated row numbers (default: all)")
    parser.add_argument("--runs", type=int, help="timed rounds per comparison")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--hyperfine", action="store_true",
                        help="also measure whole-process rows with hyperfine, to cross-check this harness")
    args = parser.parse_args()

    source = Path(__file__).resolve().parent
    build = args.build_dir.resolve()
    if args.quick:
        settings = Settings(True, 3, 1, 5_000, 2_000, 1_000, 2_000, 4, 2, 0.01)
    else:
        settings = Settings(False, 31, 3, 1_000_000, 100_000, 10_000, 100_000, 8, 15, 0.3)
    if args.runs:
        settings.runs = args.runs
    wanted = args.rows.split(",") if args.rows else list(ROWS)
    unknown = [r for r in wanted if r not in ROWS]
    if unknown:
        parser.error(f"no row {', '.join(unknown)} (rows: {', '.join(ROWS)}; 10 gives rows 10 to 13, 14 rows 14a to 14g)")

    apiuser = build / "apiuser"
    bench_hash = build / "tests" / "bench" / "apiuser_bench_hash"
    bench_authenticate = build / "tests" / "bench" / "apiuser_bench_authenticate"
    peak_rss = build / "tests" / "bench" / "apiuser_bench_peak_rss"
    for program in (apiuser, bench_hash, bench_authenticate, peak_rss):
        if not os.access(program, os.X_OK):
            raise BenchError(f"{program} is missing: build it first (tests/bench/run does)")

    bench_dir = build / "bench-data"
    bench_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=bench_dir, prefix="work-"))
    try:
        password = work / "password"
        password.write_text(PASSWORD)
        runner = Runner(work, peak_rss)
        stores = Stores(runner, apiuser, bench_dir / "stores", work, source, password)
        ctx = Context(settings, runner, stores, apiuser, bench_hash, bench_authenticate, password, work,
                      args.hyperfine)
        header = describe_machine(source.parent.parent, apiuser)
        if args.quick:
            header.append("QUICK MODE: small stores and few runs; the figures mean nothing")
        rows = []
        for number in wanted:
            print(f"bench: row {number}", file=sys.stderr)
            rows.extend(ROWS[number](ctx))
        header.append(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print_table(rows, header, args.markdown)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.strict and any(r.met is False for r in rows):
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        sys.exit(1)
