#!/usr/bin/env python3
"""Portcullis soak driver (started by src/soak/run.sh, which installs and builds what it needs).

Starts QuestDB, Portcullis and -- when Debian's PostgreSQL server binaries are installed -- a throw-away
PostgreSQL on loopback free ports, configures databases in session, transaction and statement pool mode
(pools smaller than their client counts), TLS required and a SCRAM user, then runs many pgbench processes at
once for a fixed time: simple, extended and prepared protocol, autocommit statements, BEGIN ... COMMIT
blocks, inserts, and clients that reconnect (new TLS handshake and SCRAM login) for every transaction.

Meanwhile it samples Portcullis: RSS, open files, threads, JVM heap and direct memory (/q/metrics), server
connections and clients (/api/v1/pools, /api/v1/clients). At the end it writes errors, latency percentiles,
the time series and a verdict on growth (second fifth of the run against the last fifth) to
target/soak/soak-<date>-<commit>.md and .json, and exits non-zero when a check fails.

Shares the servers with the benchmark (src/bench/harness.py). Standard library only.
"""

import argparse
import datetime
import json
import math
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from harness import (HOST, QDB_DATABASE, QDB_PASSWORD, QDB_USER, ROOT, Portcullis, PostgreSql, QuestDb,  # noqa: E402
                     await_login, cpu_seconds, environment, load_average, log, open_fds, postgres_bin_dir,
                     require_tools, rss_kib, stop_on_sigterm, thread_count, timestamp)

SOAK_DIR = ROOT / "target" / "soak"
SOAK_USER, SOAK_PASSWORD = "soak", "soak-secret-1"
QUESTDB_CONNECTION_LIMIT = 256
PG_DATABASE = "soakpg"
PG_MAX_CONNECTIONS = 100
PG_SCALE = 1

PROFILES = {
    # seconds of load, pgbench clients in all, seconds between samples, share of transactions pgbench logs
    "full": {"duration": 600, "clients": 200, "sample_seconds": 10, "log_sampling": 0.1},
    "quick": {"duration": 60, "clients": 40, "sample_seconds": 2, "log_sampling": 1.0},
}

# A fixed, pre-touched heap: after warm-up the heap adds nothing to RSS, so RSS growth is native memory
# (Netty buffers, threads, metaspace, code cache); heap growth shows in the live heap after a full GC.
DEFAULT_JAVA_OPTIONS = ("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch")
# Server connections are replaced this often (share of the run, at least the minimum), so opening,
# logging in and closing them is part of the soak.
SERVER_LIFETIME_SHARE = 0.2
SERVER_LIFETIME_MIN_SECONDS = 15
# After the load stops: time for client sessions to close before the after-load readings.
SETTLE_SECONDS = 5
# pgbench gets this long beyond -T to connect its clients and finish before it is killed.
PGBENCH_GRACE_SECONDS = 180

# Growth tolerances, last fifth of the run against the second fifth (the first fifth is warm-up).
RSS_GROWTH_MIB, RSS_GROWTH_SHARE = 16, 0.05
LIVE_HEAP_GROWTH_MIB, LIVE_HEAP_GROWTH_SHARE = 8, 0.20
FD_GROWTH, FD_GROWTH_CLIENT_SHARE = 16, 0.10
THREAD_GROWTH = 4
# After the load: open files may exceed the count before the load by the idle server connections plus this.
FD_AFTER_SLACK = 16

SCRIPTS = {
    "select1": "SELECT 1;\n",
    "trades": "\\set p random(1, 1000)\nSELECT ts, sym, price, qty FROM trades WHERE price > :p LIMIT 10;\n",
    # A transaction block: in transaction mode the server connection stays with the client until COMMIT.
    "txblock": "\\set p random(1, 1000)\nBEGIN;\nSELECT ts, price FROM trades WHERE price > :p LIMIT 5;\n"
               "SELECT sym, qty FROM trades WHERE qty < :p LIMIT 5;\nCOMMIT;\n",
    # Writes into a WAL table (concurrent writers allowed), two rows per transaction.
    "insert": "\\set p random(1, 1000)\nBEGIN;\nINSERT INTO soak_events VALUES (now(), :client_id, :p);\n"
              "INSERT INTO soak_events VALUES (now(), :client_id, :p * 2);\nCOMMIT;\n",
}
BUILTIN_SCRIPTS = ("tpcb-like", "select-only")


@dataclass(frozen=True)
class Workload:
    """One pgbench process: a script in one protocol mode against one pool, `share` of all clients."""
    name: str
    pool: str
    script: str
    mode: str
    share: float
    connect_each: bool = False


# Pools: Portcullis database name, pool mode, backend. Sizes follow from the clients (pool_sizes).
POOLS = {
    "session": ("soak_session", "session", "questdb"),
    "transaction": ("soak_tx", "transaction", "questdb"),
    "statement": ("soak_stmt", "statement", "questdb"),
    "postgres": ("soak_pg", "transaction", "postgres"),
}

WORKLOADS = (
    Workload("session-select1-extended", "session", "select1", "extended", 0.06),
    Workload("session-trades-prepared", "session", "trades", "prepared", 0.04),
    Workload("session-select1-simple-C", "session", "select1", "simple", 0.08, connect_each=True),
    Workload("tx-select1-simple", "transaction", "select1", "simple", 0.10),
    Workload("tx-trades-extended", "transaction", "trades", "extended", 0.10),
    Workload("tx-trades-prepared", "transaction", "trades", "prepared", 0.12),
    Workload("tx-block-prepared", "transaction", "txblock", "prepared", 0.08),
    Workload("tx-block-extended", "transaction", "txblock", "extended", 0.04),
    Workload("tx-insert-extended", "transaction", "insert", "extended", 0.03),
    Workload("tx-select1-prepared-C", "transaction", "select1", "prepared", 0.04, connect_each=True),
    Workload("stmt-select1-simple", "statement", "select1", "simple", 0.06),
    Workload("stmt-trades-prepared", "statement", "trades", "prepared", 0.08),
    Workload("stmt-select1-extended", "statement", "select1", "extended", 0.04),
    Workload("pg-tpcb-prepared", "postgres", "tpcb-like", "prepared", 0.07),
    Workload("pg-tpcb-simple", "postgres", "tpcb-like", "simple", 0.02),
    Workload("pg-select-extended-C", "postgres", "select-only", "extended", 0.01, connect_each=True),
)


def allocate_clients(workloads, total):
    """Splits `total` clients by share (largest remainder), at least one per workload."""
    if total < len(workloads):
        raise SystemExit(f"--clients must be at least {len(workloads)} (one per workload)")
    weight = sum(w.share for w in workloads)
    exact = [total * w.share / weight for w in workloads]
    counts = [max(1, math.floor(x)) for x in exact]
    by_remainder = sorted(range(len(workloads)), key=lambda i: exact[i] - math.floor(exact[i]), reverse=True)
    i = 0
    while sum(counts) < total:
        counts[by_remainder[i % len(workloads)]] += 1
        i += 1
    while sum(counts) > total:
        largest = max(range(len(counts)), key=lambda k: counts[k])
        counts[largest] -= 1
    return {w.name: c for w, c in zip(workloads, counts)}


def pool_sizes(workloads, clients):
    """Every pool is smaller than its clients. Session mode holds a connection per steady client, so its pool
    is the steady clients plus half the reconnecting ones (which then queue for the rest); the others get
    one server connection per five (transaction) or four (statement, PostgreSQL: three) clients."""
    per_pool = {}
    for w in workloads:
        steady, reconnecting = per_pool.get(w.pool, (0, 0))
        per_pool[w.pool] = (steady + (0 if w.connect_each else clients[w.name]),
                            reconnecting + (clients[w.name] if w.connect_each else 0))
    sizes = {}
    for pool, (steady, reconnecting) in per_pool.items():
        if pool == "session":
            sizes[pool] = steady + max(1, reconnecting // 2)
        else:
            divisor = {"transaction": 5, "statement": 4, "postgres": 3}[pool]
            sizes[pool] = max(2, min(steady + reconnecting - 1, round((steady + reconnecting) / divisor)))
    return sizes


# ---------------------------------------------------------------- set-up

def prepare_questdb(questdb):
    questdb.create_trades()
    questdb.execute("DROP TABLE IF EXISTS soak_events")
    questdb.execute("CREATE TABLE soak_events (ts TIMESTAMP, client INT, v DOUBLE) TIMESTAMP(ts) "
                    "PARTITION BY HOUR WAL")


def prepare_postgres(postgres):
    env = dict(os.environ, PGPASSWORD=postgres.SUPERUSER_PASSWORD, PGSSLMODE="disable")
    result = subprocess.run(["pgbench", "-i", "-q", "-s", str(PG_SCALE), "-h", HOST, "-p", str(postgres.port),
                             "-U", postgres.SUPERUSER, PG_DATABASE], capture_output=True, text=True, env=env,
                            timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"pgbench -i on PostgreSQL failed: {result.stderr.strip()[-2000:]}")


def configure_portcullis(portcullis, backends, sizes):
    for pool, size in sizes.items():
        name, mode, backend = POOLS[pool]
        if backend == "questdb":
            body = {"host": HOST, "port": backends["questdb"].port, "dbname": QDB_DATABASE, "user": QDB_USER,
                    "password": QDB_PASSWORD}
        else:
            pg = backends["postgres"]
            body = {"host": HOST, "port": pg.port, "dbname": PG_DATABASE, "user": pg.SUPERUSER,
                    "password": pg.SUPERUSER_PASSWORD}
        portcullis.api("PUT", f"/api/v1/databases/{name}", {**body, "poolMode": mode, "poolSize": size})
    portcullis.api("PUT", f"/api/v1/users/{SOAK_USER}", {"password": SOAK_PASSWORD, "auth": "scram-sha-256"})
    for pool in sizes:
        await_login(portcullis, portcullis.port, SOAK_USER, SOAK_PASSWORD, "require", POOLS[pool][0])


# ---------------------------------------------------------------- sampling

METRIC_LINE = re.compile(r'^([A-Za-z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text -> [(name, {label: value}, float)]."""
    found = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = METRIC_LINE.match(line)
        if m:
            try:
                found.append((m.group(1), dict(LABEL.findall(m.group(2) or "")), float(m.group(3))))
            except ValueError:
                pass
    return found


def metric_sum(metrics, name, **labels):
    values = [v for n, l, v in metrics if n == name and all(l.get(k) == x for k, x in labels.items())]
    return sum(values) if values else None


def mib(value_bytes):
    return None if value_bytes is None else round(value_bytes / 1024 / 1024, 1)


class Sampler:
    """Reads Portcullis (and the backends' RSS) every `interval` seconds on its own thread; forces a full GC
    and reads the live heap at the given offsets into the load."""

    def __init__(self, portcullis, backends, interval, gc_at):
        self.portcullis = portcullis
        self.backends = backends
        self.interval = interval
        self.gc_at = sorted(gc_at)
        self.samples = []
        self.live_heap = []
        self.started = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self):
        self.started = time.monotonic()
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def _loop(self):
        pending_gc = list(self.gc_at)
        while not self._stop.is_set():
            elapsed = time.monotonic() - self.started
            if pending_gc and elapsed >= pending_gc[0]:
                pending_gc.pop(0)
                self.live_heap.append(self.live_heap_reading(elapsed))
            self.samples.append(self.sample(elapsed))
            self._stop.wait(self.interval - (time.monotonic() - self.started) % self.interval)

    def live_heap_reading(self, elapsed):
        """Heap in use right after a full GC: what is really retained."""
        self.portcullis.gc()
        metrics = parse_metrics(self.portcullis.metrics())
        return {"t": round(elapsed, 1), "heap_mib": mib(metric_sum(metrics, "jvm_memory_used_bytes", area="heap"))}

    def sample(self, elapsed):
        pid = self.portcullis.pid
        row = {"t": round(elapsed, 1)}
        try:
            fds, sockets = open_fds(pid)
            row.update(rss_mib=round(rss_kib(pid) / 1024, 1), fds=fds, sockets=sockets, threads=thread_count(pid),
                       cpu_s=round(cpu_seconds(pid), 1))
        except OSError as e:
            row["error"] = f"/proc: {e}"
            return row
        for name, server in self.backends.items():
            try:
                row[f"{name}_rss_mib"] = round(rss_kib(server.pid) / 1024, 1)
            except OSError:
                pass
        try:
            metrics = parse_metrics(self.portcullis.metrics(timeout=10))
            row.update(
                heap_mib=mib(metric_sum(metrics, "jvm_memory_used_bytes", area="heap")),
                nonheap_mib=mib(metric_sum(metrics, "jvm_memory_used_bytes", area="nonheap")),
                direct_mib=mib(metric_sum(metrics, "jvm_buffer_memory_used_bytes", id="direct")),
                netty_direct_mib=mib(metric_sum(metrics, "netty_allocator_memory_used", memory_type="direct")),
                gc_pauses=metric_sum(metrics, "jvm_gc_pause_seconds_count"),
                gc_pause_s=metric_sum(metrics, "jvm_gc_pause_seconds_sum"),
                transactions=metric_sum(metrics, "portcullis_transactions_total"),
                server_opened=metric_sum(metrics, "portcullis_server_connections_opened_total"),
                server_closed=metric_sum(metrics, "portcullis_server_connections_closed_total"),
                logins=metric_sum(metrics, "portcullis_client_logins_total"))
            pools = self.portcullis.api("GET", "/api/v1/pools", timeout=10)
            row["server_connections"] = sum(p["svActive"] + p["svIdle"] + p["svUsed"] + p["svLogin"] for p in pools)
            row["sv_active"] = sum(p["svActive"] for p in pools)
            row["cl_active"] = sum(p["clActive"] for p in pools)
            row["cl_waiting"] = sum(p["clWaiting"] for p in pools)
            row["pools"] = {p["database"]: p["svActive"] + p["svIdle"] + p["svUsed"] + p["svLogin"] for p in pools}
            row["clients"] = len(self.portcullis.api("GET", "/api/v1/clients", timeout=10))
        except Exception as e:  # a slow answer under load is a finding, not a reason to stop sampling
            row["error"] = f"API: {e}"
        return row


# ---------------------------------------------------------------- pgbench

class PgbenchRun:
    def __init__(self, workload, clients, target, script_path, duration, log_sampling, work):
        self.workload, self.clients = workload, clients
        self.stdout_path = work / f"{workload.name}.out"
        self.stderr_path = work / f"{workload.name}.err"
        self.log_prefix = work / "latency" / workload.name
        database, _, backend = POOLS[workload.pool]
        # One thread per client: pgbench connects (-C) and prepares (PQprepare) synchronously, blocking its
        # whole thread; with a pool smaller than the clients, a thread blocked waiting for a server connection
        # would stall its other clients while they hold server connections inside BEGIN ... COMMIT, and every
        # pool's clients would wait out query-wait-timeout. (A property of pgbench, not of the pooler.)
        command = ["pgbench", "-n", "-M", workload.mode, "-c", str(clients), "-j", str(clients), "-T", str(duration),
                   "--log", f"--log-prefix={self.log_prefix}", "-h", HOST, "-p", str(target.port), "-U", SOAK_USER]
        if log_sampling < 1:
            command.append(f"--sampling-rate={log_sampling}")
        if workload.connect_each:
            command.append("-C")
        command += ["-b", workload.script] if workload.script in BUILTIN_SCRIPTS else ["-f", str(script_path)]
        command.append(database)
        self.command = command
        self.env = dict(os.environ, PGPASSWORD=SOAK_PASSWORD, PGSSLMODE="require", PGAPPNAME=workload.name,
                        PGCONNECT_TIMEOUT="30")
        self.process = None

    def start(self):
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                            env=self.env, start_new_session=True)

    def wait(self, deadline):
        try:
            self.process.wait(max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(15)
            return True
        return False

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()

    def result(self, killed):
        out = self.stdout_path.read_text(errors="replace")
        err = self.stderr_path.read_text(errors="replace")
        def number(pattern, cast=float):
            m = re.search(pattern, out, re.M)
            return cast(m.group(1)) if m else None
        aborted_lines = [l for l in err.splitlines() if "aborted" in l or "error" in l.lower()]
        w = self.workload
        return {"workload": w.name, "database": POOLS[w.pool][0], "pool_mode": POOLS[w.pool][1],
                "backend": POOLS[w.pool][2], "script": w.script, "mode": w.mode, "reconnect": w.connect_each,
                "clients": self.clients, "exit_code": self.process.returncode, "killed": killed,
                "transactions": number(r"^number of transactions actually processed: (\d+)", int),
                "failed": number(r"^number of failed transactions: (\d+)", int) or 0,
                "tps": number(r"^tps = ([\d.]+)"),
                "aborted_clients": sum(1 for l in err.splitlines() if re.search(r"client \d+ .*aborted", l)),
                "stderr": aborted_lines[:5] + (["..."] if len(aborted_lines) > 5 else []),
                "stderr_lines": len(aborted_lines)}


def read_latencies(prefix):
    """(epoch seconds, latency µs) of every logged transaction of one pgbench run; failed/skipped ones apart."""
    points, not_done = [], 0
    for path in sorted(prefix.parent.glob(prefix.name + ".*")):
        with open(path) as f:
            for line in f:
                fields = line.split()
                if len(fields) < 6:
                    continue
                if not fields[2].isdigit():
                    not_done += 1
                    continue
                points.append((int(fields[4]) + int(fields[5]) / 1e6, int(fields[2])))
    return points, not_done


def percentiles(latencies_us):
    if not latencies_us:
        return {"count": 0}
    ordered = sorted(latencies_us)
    def at(q):
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000, 2)
    return {"count": len(ordered), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "max_ms": round(ordered[-1] / 1000, 2)}


# ---------------------------------------------------------------- verdict

def window(samples, start, end, key):
    return [s[key] for s in samples if start <= s["t"] < end and s.get(key) is not None]


def growth_checks(samples, live_heap, duration, clients, before, after, pool_total):
    """Second fifth against last fifth for RSS, open files and threads; live heap after a full GC at the end of
    the second fifth against near the end; server connections never above the pools' sizes; the state after
    the load against before, and the server connections the metrics count against those the pools hold."""
    checks = []
    early, late = (0.2 * duration, 0.4 * duration), (0.8 * duration, duration + 1)

    def compare(key, label, allowed, unit, stat=statistics.median):
        a, b = window(samples, *early, key), window(samples, *late, key)
        if not a or not b:
            checks.append({"check": label, "passed": False, "detail": f"no {key} samples in a window"})
            return
        first, last = stat(a), stat(b)
        limit = allowed(first)
        checks.append({"check": label, "passed": last <= first + limit,
                       "detail": f"{first:g} → {last:g} {unit} (allowed +{limit:g})"})

    compare("rss_mib", "RSS, median of the last fifth vs the second fifth",
            lambda x: round(max(RSS_GROWTH_MIB, RSS_GROWTH_SHARE * x), 1), "MiB")
    compare("fds", "open files, median of the last fifth vs the second fifth",
            lambda x: max(FD_GROWTH, round(FD_GROWTH_CLIENT_SHARE * clients)), "")
    compare("threads", "threads, highest of the last fifth vs the second fifth", lambda x: THREAD_GROWTH, "", max)
    most = max(window(samples, 0, duration + 1, "server_connections"), default=None)
    checks.append({"check": "server connections never above the pools' sizes",
                   "passed": most is not None and most <= pool_total,
                   "detail": f"highest {most} of {pool_total}"})
    if len(live_heap) >= 2 and live_heap[0]["heap_mib"] is not None and live_heap[-1]["heap_mib"] is not None:
        first, last = live_heap[0]["heap_mib"], live_heap[-1]["heap_mib"]
        limit = round(max(LIVE_HEAP_GROWTH_MIB, LIVE_HEAP_GROWTH_SHARE * first), 1)
        checks.append({"check": "heap after a full GC, end of the second fifth vs end of the run",
                       "passed": last <= first + limit,
                       "detail": f"{first:g} MiB at {live_heap[0]['t']:g} s → {last:g} MiB at {live_heap[-1]['t']:g} s "
                                 f"(allowed +{limit:g})"})
    else:
        checks.append({"check": "heap after a full GC", "passed": False, "detail": f"readings: {live_heap}"})
    if after.get("error"):
        checks.append({"check": "state after the load", "passed": False, "detail": after["error"]})
    else:
        idle_servers = after.get("server_connections", 0)
        fd_limit = before["fds"] + idle_servers + FD_AFTER_SLACK
        checks.append({"check": f"{SETTLE_SECONDS} s after the load: no client sessions, no lent server connections",
                       "passed": after.get("clients") == 0 and after.get("cl_active") == 0
                       and after.get("sv_active") == 0,
                       "detail": f"clients {after.get('clients')}, cl_active {after.get('cl_active')}, "
                                 f"sv_active {after.get('sv_active')}, idle server connections {idle_servers}"})
        tracked = None if after.get("server_opened") is None else after["server_opened"] - after["server_closed"]
        checks.append({"check": "server connections opened − closed (metrics) = those the pools hold (none lost)",
                       "passed": tracked == idle_servers,
                       "detail": f"opened {fmt(after.get('server_opened'))} − closed {fmt(after.get('server_closed'))} "
                                 f"= {fmt(tracked)}; pools hold {idle_servers}"})
        checks.append({"check": "open files after the load vs before (plus idle server connections)",
                       "passed": after["fds"] <= fd_limit,
                       "detail": f"{before['fds']} before, {after['fds']} after ({idle_servers} idle server "
                                 f"connections; allowed {fd_limit})"})
    return checks


# ---------------------------------------------------------------- report

def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}" if isinstance(value, (int, float)) else str(value)


SERIES_COLUMNS = (("t", "t s", 0), ("rss_mib", "RSS MiB", 1), ("heap_mib", "heap MiB", 1),
                  ("nonheap_mib", "non-heap MiB", 1), ("direct_mib", "direct MiB", 1), ("fds", "fds", 0),
                  ("threads", "threads", 0), ("clients", "clients", 0), ("cl_waiting", "waiting", 0),
                  ("server_connections", "server conns", 0), ("tps", "Portcullis TPS", 0))
SERIES_ROWS = 25


def markdown(result):
    env, s = result["environment"], result["settings"]
    lines = [f"# Portcullis soak {result['started']} ({result['profile']}): "
             f"{'PASSED' if result['passed'] else 'FAILED'}", "",
             f"- commit `{env['git']}`; machine: {env['nproc']} × {env['cpu_model']}, {env['memory_gib']} GiB, "
             f"{env['kernel']}; load average at start {result['load_average']['start']}, at end "
             f"{result['load_average']['end']}",
             f"- {env['java']}; QuestDB {env['questdb']}; {env['pgbench']}"
             + (f"; PostgreSQL {env['postgres']}" if env.get("postgres") else "; no PostgreSQL (not installed)"),
             f"- Portcullis JVM options: `{' '.join(env['portcullis_java_options'])}`; TLS required; SCRAM-SHA-256 "
             f"user; server lifetime {s['server_lifetime_seconds']} s",
             f"- {s['duration']} s of load, {s['clients']} pgbench clients in {len(result['runs'])} processes, samples "
             f"every {s['sample_seconds']} s, latency from pgbench's per-transaction log "
             f"(sampling rate {s['log_sampling']})",
             "- pools: " + ", ".join(f"`{POOLS[p][0]}` {POOLS[p][1]} {n} → {POOLS[p][2]}"
                                     for p, n in s["pool_sizes"].items()), ""]
    lines += ["| checks | passed | detail |", "|---|---|---|"]
    lines += [f"| {c['check']} | {'yes' if c['passed'] else '**NO**'} | {c['detail']} |" for c in result["checks"]]
    t = result["totals"]
    lines += ["", f"Transactions: **{t['transactions']:,}** ({fmt(t['tps'])} TPS), failed {t['failed']}, aborted "
                  f"clients {t['aborted_clients']}, pgbench processes with a non-zero exit {t['bad_exits']}. "
                  f"Latency over all logged transactions: p50 {fmt(t['latency'].get('p50_ms'), 2)} ms, "
                  f"p95 {fmt(t['latency'].get('p95_ms'), 2)} ms, p99 {fmt(t['latency'].get('p99_ms'), 2)} ms "
                  "(`-C` workloads open a new TLS connection and log in for every transaction).", ""]
    lines += ["| workload | database (mode) | protocol | clients | transactions | TPS | errors | p50 ms | p95 ms "
              "| p99 ms | max ms |", "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in result["runs"]:
        lat = r["latency"]
        errors = r["failed"] + r["aborted_clients"] + (1 if r["exit_code"] else 0)
        lines.append(f"| {r['workload']} | {r['database']} ({r['pool_mode']}) | {r['mode']}{' -C' if r['reconnect'] else ''} "
                     f"| {r['clients']} | {fmt(r['transactions'])} | {fmt(r['tps'])} | {errors} "
                     f"| {fmt(lat.get('p50_ms'), 2)} | {fmt(lat.get('p95_ms'), 2)} | {fmt(lat.get('p99_ms'), 2)} "
                     f"| {fmt(lat.get('max_ms'), 1)} |")
    lines += ["", "Latency by fifth of the run (all workloads):", "",
              "| fifth | transactions | p50 ms | p95 ms | p99 ms |", "|---:|---:|---:|---:|---:|"]
    for i, f in enumerate(result["latency_by_fifth"], 1):
        lines.append(f"| {i} | {fmt(f.get('count'))} | {fmt(f.get('p50_ms'), 2)} | {fmt(f.get('p95_ms'), 2)} "
                     f"| {fmt(f.get('p99_ms'), 2)} |")
    lh = result["live_heap"]
    lines += ["", "Heap after a full GC: " + ", ".join(f"{r['heap_mib']} MiB at {r['t']} s" for r in lh) + ".", ""]
    samples = [x for x in result["samples"] if "rss_mib" in x]
    step = max(1, math.ceil(len(samples) / SERIES_ROWS))
    shown = samples[::step] + ([samples[-1]] if samples and (len(samples) - 1) % step else [])
    lines += ["Portcullis over time (every sample in the .json):", "",
              "| " + " | ".join(c[1] for c in SERIES_COLUMNS) + " |", "|" + "---:|" * len(SERIES_COLUMNS)]
    lines += ["| " + " | ".join(fmt(x.get(k), d) for k, _, d in SERIES_COLUMNS) + " |" for x in shown]
    b, a = result["before"], result["after"]
    lines += ["", f"Before the load: RSS {b.get('rss_mib')} MiB, {b.get('fds')} open files, {b.get('threads')} threads. "
                  f"{SETTLE_SECONDS} s after it: RSS {a.get('rss_mib')} MiB, {a.get('fds')} open files, "
                  f"{a.get('threads')} threads, {a.get('clients')} client sessions, {a.get('server_connections')} "
                  f"server connections (idle); heap after a full GC {result['after_gc_heap_mib']} MiB."]
    errors = [r for r in result["runs"] if r["stderr"] or r["exit_code"]]
    if errors:
        lines += ["", "Errors reported by pgbench:", ""]
        for r in errors:
            lines.append(f"- {r['workload']} (exit {r['exit_code']}{', killed' if r['killed'] else ''}, "
                         f"{r['stderr_lines']} error lines):")
            lines += [f"  - `{l.strip()[:300]}`" for l in r["stderr"]]
    if result["sample_errors"]:
        lines += ["", f"Samples with errors ({len(result['sample_errors'])}): "
                      + "; ".join(f"{e['t']} s: {e['error']}" for e in result["sample_errors"][:5])]
    for part, logged in result["portcullis_log"].items():
        when = "before the load (start-up, configuration)" if part == "startup" else "during and after the load"
        lines += ["", f"Portcullis log {when}: {logged['warn']} WARN and {logged['error']} ERROR lines"
                  + (":" if logged["lines"] else ".")]
        lines += [f"- `{l[:300]}`" for l in logged["lines"]]
    return "\n".join(lines) + "\n"


BLOCKED_EVENT_LOOP = "BlockedThreadChecker"


def log_findings(path, load_offset, limit=10):
    """WARN and ERROR lines of the Portcullis log, those written before the load (start-up, configuration)
    apart from those during and after it; blocked-event-loop warnings of the load counted on their own."""
    text = path.read_bytes()
    parts = {"startup": text[:load_offset], "load": text[load_offset:]}
    found = {}
    for part, data in parts.items():
        warn = error = blocked = 0
        shown = []
        for line in data.decode(errors="replace").splitlines():
            level = "ERROR" if " ERROR " in line else "WARN" if " WARN " in line else None
            error += level == "ERROR"
            warn += level == "WARN"
            blocked += level is not None and BLOCKED_EVENT_LOOP in line
            if level and len(shown) < limit:
                shown.append(line)
        found[part] = {"warn": warn, "error": error, "blocked_event_loop": blocked, "lines": shown}
    return found


# ---------------------------------------------------------------- main

def main():
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description="Portcullis soak: many pgbench clients in every pool mode for "
                                                 "a fixed time; errors, latency percentiles, memory over time")
    parser.add_argument("--quick", action="store_true", help="60 s, 40 clients, samples every 2 s")
    parser.add_argument("--duration", type=int, help="seconds of load (default 600; --quick 60)")
    parser.add_argument("--clients", type=int, help="pgbench clients in all (default 200; --quick 40)")
    parser.add_argument("--sample-seconds", type=float, help="seconds between samples (default 10; --quick 2)")
    parser.add_argument("--log-sampling", type=float,
                        help="share of transactions pgbench logs for latency (default 0.1; --quick 1)")
    parser.add_argument("--no-postgres", action="store_true", help="QuestDB only, even if PostgreSQL is installed")
    args = parser.parse_args()
    profile = "quick" if args.quick else "full"
    settings = dict(PROFILES[profile])
    for key in ("duration", "clients", "sample_seconds", "log_sampling"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
            profile = f"{profile}, custom" if not profile.endswith("custom") else profile
    duration = settings["duration"]
    if duration < 10:
        parser.error("--duration must be at least 10 seconds")
    java_options = os.environ.get("SOAK_PORTCULLIS_JAVA_OPTS", " ".join(DEFAULT_JAVA_OPTIONS)).split()
    require_tools(("pgbench", "psql", "java", "jcmd"), "src/soak/run.sh")

    pg_bin = None if args.no_postgres else postgres_bin_dir()
    workloads = [w for w in WORKLOADS if pg_bin or POOLS[w.pool][2] != "postgres"]
    clients = allocate_clients(workloads, settings["clients"])
    sizes = pool_sizes(workloads, clients)
    settings["pool_sizes"] = sizes
    settings["server_lifetime_seconds"] = max(SERVER_LIFETIME_MIN_SECONDS, round(SERVER_LIFETIME_SHARE * duration))

    started = datetime.datetime.now()
    load_start = load_average()
    stamp = timestamp(started)
    SOAK_DIR.mkdir(parents=True, exist_ok=True)
    work = SOAK_DIR / f"run-{stamp}"
    (work / "latency").mkdir(parents=True)
    scripts = {}
    for name, text in SCRIPTS.items():
        scripts[name] = work / f"{name}.sql"
        scripts[name].write_text(text)
    env = environment(java_options)
    if pg_bin:
        env["postgres"] = pg_bin.parent.name
    log(f"soak ({profile}: {duration} s, {settings['clients']} clients) in {work}; commit {env['git']}")

    questdb = QuestDb(work, QUESTDB_CONNECTION_LIMIT)
    servers, backends = [questdb], {"questdb": questdb}
    runs, sampler = [], None
    try:
        log("starting QuestDB")
        questdb.start()
        prepare_questdb(questdb)
        if pg_bin:
            log(f"starting PostgreSQL {pg_bin.parent.name}")
            postgres = PostgreSql(work, pg_bin, PG_MAX_CONNECTIONS, PG_DATABASE)
            servers.append(postgres)
            backends["postgres"] = postgres
            postgres.start()
            prepare_postgres(postgres)
        log("starting Portcullis")
        portcullis = Portcullis(work, java_options, {
            "portcullis.pool.server-lifetime": f"{settings['server_lifetime_seconds']}s",
            # One line per connect and disconnect would bury the warnings this run looks for.
            'quarkus.log.category."io.portcullis.connections".level': "WARN"})
        servers.append(portcullis)
        portcullis.start()
        configure_portcullis(portcullis, backends, sizes)
        log("pools: " + ", ".join(f"{POOLS[p][0]} ({POOLS[p][1]}) {n}" for p, n in sizes.items()))

        sampler = Sampler(portcullis, backends, settings["sample_seconds"], gc_at=(0.4 * duration, 0.97 * duration))
        before = sampler.sample(0)
        for w in workloads:
            runs.append(PgbenchRun(w, clients[w.name], portcullis, scripts.get(w.script), duration,
                                   settings["log_sampling"], work))
        log(f"load: {len(runs)} pgbench processes, {settings['clients']} clients, {duration} s")
        log_offset = portcullis.log_path.stat().st_size
        sampler.start()
        load_started = time.time()
        for r in runs:
            r.start()
        deadline = time.monotonic() + duration + PGBENCH_GRACE_SECONDS
        next_note = time.monotonic() + max(10, duration / 10)
        while any(r.process.poll() is None for r in runs) and time.monotonic() < deadline:
            portcullis.check_alive()
            if time.monotonic() >= next_note and sampler.samples:
                last = sampler.samples[-1]
                log(f"  {last['t']:.0f} s: RSS {last.get('rss_mib')} MiB, heap {last.get('heap_mib')} MiB, "
                    f"fds {last.get('fds')}, clients {last.get('clients')}, server conns "
                    f"{last.get('server_connections')}, waiting {last.get('cl_waiting')}")
                next_note += max(10, duration / 10)
            time.sleep(1)
        killed = {r.workload.name: r.wait(deadline) for r in runs}
        sampler.stop()
        time.sleep(SETTLE_SECONDS)
        after = sampler.sample(time.monotonic() - sampler.started)
        portcullis.gc()
        after_gc_heap = mib(metric_sum(parse_metrics(portcullis.metrics()), "jvm_memory_used_bytes", area="heap"))
        log_summary = log_findings(portcullis.log_path, log_offset)
    finally:
        for r in runs:
            r.kill()
        if sampler and sampler._thread.is_alive():
            sampler.stop()
        for server in reversed(servers):
            try:
                server.stop()
            except Exception as e:  # keep stopping the others
                log(f"stopping {server.name}: {e}")

    results, all_points = [], []
    for r in runs:
        row = r.result(killed[r.workload.name])
        points, not_done = read_latencies(r.log_prefix)
        row["latency"] = percentiles([p[1] for p in points])
        row["logged_not_completed"] = not_done
        all_points += points
        results.append(row)
    fifths = []
    for i in range(5):
        lo, hi = load_started + i * duration / 5, load_started + (i + 1) * duration / 5
        fifths.append(percentiles([us for when, us in all_points if lo <= when < hi]))

    samples = sampler.samples
    for previous, current in zip(samples, samples[1:]):
        if previous.get("transactions") is not None and current.get("transactions") is not None:
            current["tps"] = round((current["transactions"] - previous["transactions"])
                                   / max(0.001, current["t"] - previous["t"]))
    totals = {"transactions": sum(r["transactions"] or 0 for r in results),
              "failed": sum(r["failed"] for r in results),
              "aborted_clients": sum(r["aborted_clients"] for r in results),
              "bad_exits": sum(1 for r in results if r["exit_code"]),
              "latency": percentiles([p[1] for p in all_points])}
    totals["tps"] = round(totals["transactions"] / duration, 1)
    checks = [{"check": "pgbench: every process exited 0, no failed transactions, no aborted clients",
               "passed": totals["bad_exits"] == 0 and totals["failed"] == 0 and totals["aborted_clients"] == 0,
               "detail": f"{totals['bad_exits']} non-zero exits, {totals['failed']} failed, "
                         f"{totals['aborted_clients']} aborted clients"},
              {"check": "every workload completed transactions",
               "passed": all((r["transactions"] or 0) > 0 for r in results),
               "detail": ", ".join(r["workload"] for r in results if not r["transactions"]) or "all did"},
              {"check": "Portcullis log: no ERROR lines; no event loop blocked during the load",
               "passed": log_summary["startup"]["error"] + log_summary["load"]["error"] == 0
               and log_summary["load"]["blocked_event_loop"] == 0,
               "detail": "; ".join(f"{part}: {f['error']} ERROR, {f['warn']} WARN ({f['blocked_event_loop']} blocked "
                                   "event loop)" for part, f in log_summary.items())}]
    checks += growth_checks(samples, sampler.live_heap, duration, settings["clients"], before, after,
                            sum(sizes.values()))
    result = {"started": started.isoformat(timespec="seconds"), "profile": profile, "settings": settings,
              "environment": env, "passed": all(c["passed"] for c in checks), "checks": checks, "totals": totals,
              "runs": results, "latency_by_fifth": fifths, "live_heap": sampler.live_heap,
              "after_gc_heap_mib": after_gc_heap, "before": before, "after": after, "samples": samples,
              "sample_errors": [x for x in samples if x.get("error")], "portcullis_log": log_summary,
              "tolerances": {"rss_mib": RSS_GROWTH_MIB, "rss_share": RSS_GROWTH_SHARE,
                             "live_heap_mib": LIVE_HEAP_GROWTH_MIB, "live_heap_share": LIVE_HEAP_GROWTH_SHARE,
                             "fds": FD_GROWTH, "fds_client_share": FD_GROWTH_CLIENT_SHARE,
                             "threads": THREAD_GROWTH, "fds_after_slack": FD_AFTER_SLACK},
              "load_average": {"start": load_start, "end": load_average()},
              "elapsed_seconds": round((datetime.datetime.now() - started).total_seconds())}
    base = SOAK_DIR / f"soak-{stamp}-{env['git']}"
    base.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    text = markdown(result)
    base.with_suffix(".md").write_text(text)
    print(text)
    log(f"report: {base}.md and .json (logs, pgbench output and latency logs in {work})")
    if not result["passed"]:
        log("FAILED: " + "; ".join(c["check"] for c in checks if not c["passed"]))
        sys.exit(1)


if __name__ == "__main__":
    main()
