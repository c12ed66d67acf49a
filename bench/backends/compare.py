#!/usr/bin/env python3
"""The same benches on both backends, one after the other, in one run: the embedded
stores (SQLite + SQLite key-value) and PostgreSQL + Redis. See bench/README.md,
"Backends side by side".

    python3 bench/backends/compare.py                       # 100,000 customers, 1,000 staff
    CUSTOMERS=3000 STAFF=60 python3 bench/backends/compare.py   # a smoke run

For each backend: starts `zhanye up --demo --no-demo-customers` (a fresh state
directory, a free port, no cron, sign-in limits raised; on PostgreSQL a fresh database
`zy_bench_<pid>` and Redis database 2, flushed), loads `zhanye generate` (seed 1), then
runs, in order: sign-in (`bench accounts --sign-in-connections 1`), `bench customers
-n 300` as a team lead and as an HQ administrator, `bench mixed` (64 connections, 10 s),
`bench load` (2,000 people acting every 5 s for 30 s, open loop, with the server's
memory; then the saturation run), `bench t1` (a daily snapshot of every customer, no trades), and the month-end assessment
(`bench/assessment/seed*.sql`, then `bench/assessment/run.py`). Prints one table of both
backends side by side; every step's raw output is kept in the results folder it names.
Stops every process it started and drops the database it created, also when a step fails
or it is interrupted; a failed step ends the run with its output's tail.

Environment (all optional): ZHANYE (the binary, default target/debug/zhanye), CUSTOMERS,
STAFF, BACKENDS ("embedded postgres"), MIXED_CONNECTIONS (64), MIXED_SECONDS (10),
SIGN_IN_SECONDS (5), REQUESTS (300), LOAD_USERS (2000), LOAD_SECONDS (30), PG_SERVER (postgres://postgres@127.0.0.1:5432),
REDIS_URL (redis://127.0.0.1:6379/2), PG_ANALYZE (1: VACUUM ANALYZE after each load, as
autovacuum would shortly; 0: measure the fresh statistics), KEEP_STATE (1: keep the
state directories).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ZHANYE = str((ROOT / os.environ.get("ZHANYE", "target/debug/zhanye")).resolve())
CUSTOMERS = int(os.environ.get("CUSTOMERS", "100000"))
STAFF = int(os.environ.get("STAFF", "1000"))
BACKENDS = os.environ.get("BACKENDS", "embedded postgres").split()
MIXED_CONNECTIONS = os.environ.get("MIXED_CONNECTIONS", "64")
MIXED_SECONDS = os.environ.get("MIXED_SECONDS", "10")
SIGN_IN_SECONDS = os.environ.get("SIGN_IN_SECONDS", "5")
REQUESTS = os.environ.get("REQUESTS", "300")
LOAD_USERS = os.environ.get("LOAD_USERS", "2000")
LOAD_SECONDS = os.environ.get("LOAD_SECONDS", "30")
PG_SERVER = os.environ.get("PG_SERVER", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
PG_ANALYZE = os.environ.get("PG_ANALYZE", "1") == "1"
KEEP_STATE = os.environ.get("KEEP_STATE", "0") == "1"
SEED = "1"
# What `bench customers` changes an initial password to (its default).
BENCH_PASSWORD = "Bench2026pw"


class StepFailed(Exception):
    pass


class Run:
    """One run: its folders, the server running now, and what is left to clean up."""

    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="zhanye-backends-"))
        self.results = self.work / "results"
        self.results.mkdir()
        self.server = None
        self.server_log = None
        self.database = None
        self.redis_used = False
        self.states = []

    # -- processes ---------------------------------------------------------------

    def step(self, backend, name, argv, env=None, stdin=None):
        """Runs one step, its output to the console and to results/<backend>/<name>.txt;
        answers the output, or raises StepFailed with its tail."""
        out_path = self.results / backend / f"{name}.txt"
        command = " ".join(argv) + (f" < {stdin}" if stdin else "")
        print(f"\n[{backend}] {name}: {command}", flush=True)
        lines = []
        with open(out_path, "w") as out, \
                open(stdin if stdin else os.devnull) as given:
            out.write(f"$ {command}\n")
            process = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=given,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True, errors="replace")
            try:
                for line in process.stdout:
                    out.write(line)
                    lines.append(line)
                    print("    " + line, end="", flush=True)
                code = process.wait()
            finally:
                # Interrupted: the step goes with the run.
                if process.poll() is None:
                    process.kill()
                    process.wait()
        if code != 0:
            # The error itself, not the backtrace after it (RUST_BACKTRACE set).
            errors = [i for i, line in enumerate(lines) if line.startswith("Error: ")]
            shown = lines[errors[0]:errors[0] + 8] if errors else lines[-20:]
            tail = "".join(shown)
            raise StepFailed(f"[{backend}] {name} failed (exit {code}); "
                             f"its output is in {out_path}:\n{tail}")
        return "".join(lines)

    def start_server(self, backend, env, extra):
        state = Path(tempfile.mkdtemp(prefix=f"state-{backend}-", dir=self.work))
        self.states.append(state)
        log_path = self.results / backend / "server.log"
        self.server_log = log = open(log_path, "w")
        argv = [ZHANYE, "up", "--demo", "--no-demo-customers", "--listen", "127.0.0.1:0",
                "--state-dir", str(state), "--no-cron", *extra]
        print(f"\n[{backend}] server: {' '.join(argv)}", flush=True)
        self.server = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            text = log_path.read_text(errors="replace")
            found = re.search(r"^Serving http://(\S+):(\d+)$", text, re.M)
            if found:
                print(f"    serving on port {found.group(2)} (pid {self.server.pid})")
                return int(found.group(2)), state
            if self.server.poll() is not None:
                break
            time.sleep(0.2)
        tail = "".join(log_path.read_text(errors="replace").splitlines(True)[-20:])
        raise StepFailed(f"[{backend}] the server did not start; {log_path}:\n{tail}")

    def stop_server(self):
        if self.server is None:
            return
        if self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None
        self.server_log.close()

    # -- PostgreSQL and Redis ----------------------------------------------------

    def psql(self, database, *args):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                        f"{PG_SERVER}/{database}", *args],
                       check=True, stdout=subprocess.DEVNULL)

    def create_database(self):
        name = f"zy_bench_{os.getpid()}"
        self.psql("postgres", "-c", f"CREATE DATABASE {name}")
        self.database = name
        return name

    def drop_database(self):
        if self.database:
            self.psql("postgres", "-c", f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            print(f"dropped database {self.database}")
            self.database = None

    def flush_redis(self):
        subprocess.run(["redis-cli", "-u", REDIS_URL, "FLUSHDB"], check=True,
                       stdout=subprocess.DEVNULL)

    def cleanup(self):
        self.stop_server()
        errors = []
        try:
            self.drop_database()
        except Exception as e:  # keep cleaning up
            errors.append(f"dropping the database: {e}")
        if self.redis_used:
            try:
                self.flush_redis()
            except Exception as e:
                errors.append(f"flushing Redis: {e}")
        if not KEEP_STATE:
            for state in self.states:
                shutil.rmtree(state, ignore_errors=True)
        for e in errors:
            print(f"cleanup: {e}", file=sys.stderr)

    # -- one backend -------------------------------------------------------------

    def backend(self, backend):
        (self.results / backend).mkdir()
        env = dict(os.environ)
        env["SPIN_VARIABLE_SIGN_IN_LIMIT_PER_ADDRESS"] = "1000000"
        env["SPIN_VARIABLE_SIGN_IN_LIMIT_PER_CODE"] = "1000000"
        env.pop("SPIN_VARIABLE_DATABASE_URL", None)
        extra = []
        if backend == "postgres":
            database = self.create_database()
            env["SPIN_VARIABLE_DATABASE_URL"] = f"{PG_SERVER}/{database}"
            server = urllib.parse.urlsplit(PG_SERVER)
            env["SPIN_VARIABLE_DATABASE_HOST"] = \
                f"postgres://{server.hostname}:{server.port or 5432}"
            self.redis_used = True
            self.flush_redis()
            config = self.work / "redis.toml"
            config.write_text(f'[key_value_store.default]\ntype = "redis"\nurl = "{REDIS_URL}"\n')
            extra = ["--runtime-config-file", str(config)]
        elif backend != "embedded":
            raise StepFailed(f"unknown backend {backend}: embedded or postgres")

        port, state = self.start_server(backend, env, extra)
        url = f"http://127.0.0.1:{port}"
        bench = [ZHANYE, "bench"]
        figures = {}

        out = self.step(backend, "01-generate",
                        [ZHANYE, "generate", "--url", url, "--seed", SEED,
                         "--customers", str(CUSTOMERS), "--staff", str(STAFF)])
        figures["load"] = parse_load(out)
        staff = dict((role, (code, password)) for role, code, password in re.findall(
            r"^sign in as (team lead|HQ administrator) (\S+) \(initial password (\S+)\)$",
            out, re.M))
        if len(staff) != 2:
            raise StepFailed(f"[{backend}] generate printed no team lead or HQ administrator")
        if backend == "postgres" and PG_ANALYZE:
            self.analyze(backend, "02-vacuum-analyze")

        out = self.step(backend, "03-sign-in",
                        bench + ["accounts", "--url", url, "--sign-in-connections", "1",
                                 "-d", SIGN_IN_SECONDS])
        figures["sign-in"] = parse_load_report(out, "== sign-in")
        figures["check-in"] = parse_load_report(out, "== check-in")

        for role, key, name in (("team lead", "lead", "04-customers-lead"),
                                ("HQ administrator", "hq", "05-customers-hq")):
            code, password = staff[role]
            out = self.step(backend, name,
                            bench + ["customers", "--url", url, "--code", code,
                                     "--password", password, "-n", REQUESTS])
            figures[key] = parse_scenarios(out)
            figures[key + "-code"] = code

        # Both have changed their initial passwords by now.
        mixed = bench + ["mixed", "--url", url, "-c", MIXED_CONNECTIONS, "-d", MIXED_SECONDS]
        for role in ("team lead", "HQ administrator"):
            mixed += ["--code", staff[role][0], "--password", BENCH_PASSWORD]
        out = self.step(backend, "06-mixed", mixed)
        figures["mixed"] = parse_load_report(out, "== mixed")

        load = bench + ["load", "--url", url, "--users", LOAD_USERS, "-d", LOAD_SECONDS,
                        "--saturation-connections", MIXED_CONNECTIONS,
                        "--saturation-duration", MIXED_SECONDS,
                        "--server-pid", str(self.server.pid), "--sample-every", "10"]
        for role in ("team lead", "HQ administrator"):
            load += ["--code", staff[role][0], "--password", BENCH_PASSWORD]
        out = self.step(backend, "06b-load", load)
        figures["open-loop"] = parse_open_loop(out)
        figures["saturation"] = parse_load_report(out, "== saturation")

        out = self.step(backend, "07-t1",
                        bench + ["t1", "--url", url, "--seed", SEED,
                                 "--customers", str(CUSTOMERS), "--trades", "0"])
        figures["t1"] = first(r"^T\+1 load: (\d+) records in ([\d.]+) s \((\d+) records/s\)", out)

        if backend == "postgres":
            self.step(backend, "08-seed-month",
                      ["psql", "-X", "-v", "ON_ERROR_STOP=1",
                       f"{PG_SERVER}/{self.database}",
                       "-f", "bench/assessment/seed.postgres.sql"])
            if PG_ANALYZE:
                self.analyze(backend, "09-vacuum-analyze")
        else:
            database = state / "sqlite_db.db"
            if not database.exists():
                raise StepFailed(f"[{backend}] no database at {database}")
            self.step(backend, "08-seed-month", ["sqlite3", "-bail", str(database)],
                      stdin=str(ROOT / "bench/assessment/seed.sql"))
        out = self.step(backend, "10-month-end",
                        [sys.executable, "bench/assessment/run.py", "--port", str(port),
                         "--server-pid", str(self.server.pid)])
        figures["month-end"] = first(
            r"^month (\S+): (\d+) staff in ([\d.]+) s \((\d+) staff/s\), (\d+) chunks", out)

        self.stop_server()
        if backend == "postgres":
            self.drop_database()
            self.flush_redis()
        return figures

    def analyze(self, backend, name):
        self.step(backend, name, ["psql", "-X", "-v", "ON_ERROR_STOP=1",
                                  f"{PG_SERVER}/{self.database}", "-c", "\\timing on",
                                  "-c", "VACUUM ANALYZE"])


# -- parsing the verbs' output ---------------------------------------------------------

def first(pattern, text):
    found = re.search(pattern, text, re.M)
    if not found:
        raise StepFailed(f"expected a line like {pattern!r} in the output")
    return found.groups()


def parse_load(out):
    return first(r"^total: (\d+) records in ([\d.]+) s", out)


def parse_load_report(out, heading):
    """requests/s, p50, p99 and errors of the `Report` printed after `heading`."""
    part = out[out.index(heading):] if heading in out else ""
    requests, errors, rate = first(
        r"^requests (\d+)  errors (\d+)  throughput (\d+) req/s", part)
    p50, p99 = first(r"^latency p50 ([\d.]+)ms  p90 [\d.]+ms  p99 ([\d.]+)ms", part)
    return {"rate": rate, "p50": p50, "p99": p99, "errors": int(errors)}


def parse_open_loop(out):
    """Offered and answered rate, p50/p99 from due, errors and server memory of the
    open loop of `bench load`."""
    part = out[out.index("== open loop"):] if "== open loop" in out else ""
    requests, rate, offered, errors = first(
        r"^requests (\d+) \((\d+) req/s offered (\d+)\)  errors (\d+)", part)
    p50, p99 = first(r"^latency from due: p50 ([\d.]+)ms  p90 [\d.]+ms  p99 ([\d.]+)ms", part)
    found = re.search(r"^server rss over the run: min ([\d.]+) MiB  max ([\d.]+) MiB", part, re.M)
    return {"rate": rate, "offered": offered, "p50": p50, "p99": p99, "errors": int(errors),
            "rss": found.groups() if found else None}


SCENARIOS = (
    ("home", "GET /api/home"),
    ("search", "GET /api/customers?q="),
    ("page", "GET /api/customers?page="),
    ("detail", "GET /api/customers/{id} "),
    ("performance", "GET /api/customers/{id}/performance"),
)


def parse_scenarios(out):
    """p50, p99 and errors of each `bench customers` scenario."""
    found = {}
    for line in out.splitlines():
        for key, start in SCENARIOS:
            if line.startswith(start):
                match = re.search(r"(\d+) errors\s+p50 ([\d.]+)ms\s+p90 [\d.]+ms\s+p99 ([\d.]+)ms",
                                  line)
                if match:
                    found[key] = {"errors": int(match.group(1)), "p50": match.group(2),
                                  "p99": match.group(3)}
    missing = [key for key, _ in SCENARIOS if key not in found]
    if missing:
        raise StepFailed(f"bench customers printed no figures for {', '.join(missing)}")
    return found


# -- the summary -----------------------------------------------------------------------

def cells(figures, backends):
    """The summary's rows: (what, one cell per backend); and whether any answer failed."""
    failed = False

    def ms(f):
        nonlocal failed
        failed |= f["errors"] > 0
        errors = f", {f['errors']} errors" if f["errors"] else ""
        return f"{f['p50']} / {f['p99']} ms{errors}"

    def load(f):
        nonlocal failed
        failed |= f["errors"] > 0
        errors = f", {f['errors']} errors" if f["errors"] else ""
        return f"{f['rate']} req/s, p50 {f['p50']} ms, p99 {f['p99']} ms{errors}"

    rows = []

    def row(what, cell):
        rows.append((what, [cell(figures[b]) for b in backends]))

    row("data load (`generate`, all topics)",
        lambda f: f"{int(f['load'][0]):,} records in {f['load'][1]} s")
    row("sign-in, one client (p50 / p99)", lambda f: ms(f["sign-in"]))
    row("check-in, 16 connections", lambda f: load(f["check-in"]))
    for key, who in (("lead", "team lead"), ("hq", "HQ")):
        for scenario, label in (("home", "home"), ("search", "customer search"),
                                ("page", "customer list page"), ("detail", "customer detail"),
                                ("performance", "6-month performance")):
            row(f"{label}, {who} (p50 / p99)", lambda f, k=key, s=scenario: ms(f[k][s]))
    row(f"mixed reads, {MIXED_CONNECTIONS} connections", lambda f: load(f["mixed"]))

    def open_loop(f):
        nonlocal failed
        o = f["open-loop"]
        failed |= o["errors"] > 0
        rss = f", server {o['rss'][0]}–{o['rss'][1]} MiB" if o["rss"] else ""
        return (f"{o['rate']} of {o['offered']} req/s, p50 {o['p50']} ms, p99 {o['p99']} ms, "
                f"{o['errors']} errors{rss}")

    row(f"{LOAD_USERS} people acting every 5 s (open loop, {LOAD_SECONDS} s)", open_loop)
    row(f"saturation: read mix, {MIXED_CONNECTIONS} connections (closed loop)",
        lambda f: load(f["saturation"]))
    row("T+1 daily snapshots",
        lambda f: f"{int(f['t1'][0]):,} in {f['t1'][1]} s ({int(f['t1'][2]):,} records/s)")
    row("month-end run",
        lambda f: f"{f['month-end'][1]} staff in {f['month-end'][2]} s "
                  f"({f['month-end'][3]} staff/s, {f['month-end'][4]} chunks)")
    return rows, failed


def summary(figures, backends):
    names = {"embedded": "embedded SQLite + SQLite key-value",
             "postgres": "PostgreSQL + Redis"}
    rows, failed = cells(figures, backends)
    binary = os.path.relpath(ZHANYE, ROOT) if ZHANYE.startswith(str(ROOT)) else ZHANYE
    lines = [
        f"{CUSTOMERS:,} customers, {STAFF:,} staff (seed {SEED}), "
        f"{time.strftime('%Y-%m-%d %H:%M')}, `{binary}`",
        "",
        "| | " + " | ".join(names.get(b, b) for b in backends) + " |",
        "|---|" + "---|" * len(backends),
    ]
    lines += [f"| {what} | " + " | ".join(values) + " |" for what, values in rows]
    return "\n".join(lines), failed


def main():
    run = Run()

    def stop(signum, _frame):
        raise SystemExit(f"interrupted by signal {signum}")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    figures = {}
    try:
        if not Path(ZHANYE).exists():
            raise StepFailed(f"no {ZHANYE}: cargo build -p zhanye --bin zhanye, then "
                             "`zhanye build` (or set ZHANYE)")
        for backend in BACKENDS:
            figures[backend] = run.backend(backend)
    except (StepFailed, subprocess.CalledProcessError, OSError) as e:
        print(f"\nFAILED: {e}", file=sys.stderr)
        print(f"raw outputs: {run.results}", file=sys.stderr)
        return 1
    finally:
        run.cleanup()
    table, failed = summary(figures, BACKENDS)
    (run.results / "summary.md").write_text(table + "\n")
    print("\n" + table)
    print(f"\nraw outputs: {run.results}")
    if failed:
        print("FAILED: some requests answered errors (see the cells above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
