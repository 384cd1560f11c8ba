#!/usr/bin/env python3
"""Portcullis benchmark driver (started by src/bench/run.sh, which installs and builds what it needs).

Starts QuestDB, Portcullis and PgBouncer on loopback free ports, runs pgbench custom scripts against
three targets -- QuestDB direct (plaintext, the limit), PgBouncer + TLS, Portcullis + TLS -- and writes
one table with TPS, latency, the ratios Portcullis/PgBouncer and Portcullis/direct, the proxies' CPU and
memory, and memory with 5,000 idle TLS clients. Standard library only.

Every cell runs the three targets back to back so drift on a shared machine hits them alike, and does so
for several rounds, each starting with another target; the table gives each target's median over the rounds
and the range of the per-round Portcullis/PgBouncer ratio, because on 2 shared cores one run of a cell can
differ from the next by more than the proxies differ.
"""

import argparse
import datetime
import json
import os
import re
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from harness import (HOST, QDB_DATABASE as DATABASE, QDB_USER, QDB_PASSWORD, ROOT, TRADES_ROWS, Portcullis, QuestDb,
                     RssSampler, Server, await_login, cpu_seconds, environment, first_line, jit_cpu_seconds, log,
                     free_port, require_tools, rss_kib, run, stop_on_sigterm)

BENCH_DIR = ROOT / "target" / "bench"
BENCH_USER, BENCH_PASSWORD = "bench", "bench-secret-1"

# Same pool size in both proxies; QuestDB's own connection limit (64 by default) is raised well above
# what the proxies' pools plus the direct 64-client runs can hold at once.
POOL_SIZE = 64
QUESTDB_CONNECTION_LIMIT = 256
CLIENT_COUNTS = (1, 16, 64)
PGBENCH_THREADS = 2
MODES = ("simple", "extended", "prepared")
IDLE_CLIENTS = 5000
# Idle clients sit through the whole measurement; both proxies' login timeouts are raised above it.
LOGIN_TIMEOUT_SECONDS = 600
# pgbench -T includes connecting: 64 TLS + SCRAM logins take seconds on a busy 2-core box, so runs with
# many clients get this much longer (TPS excludes the initial connection time either way).
SETUP_ALLOWANCE_SECONDS = {1: 0, 16: 2, 64: 5}
# Portcullis is warm when its JIT compilers use less than this share of a core during a warm-up round.
JIT_QUIET_CORES = 0.1
JIT_WARMUP_MAX_SECONDS = 120

SCRIPTS = {
    "select1": "SELECT 1;\n",
    "trades": "\\set p random(1, 1000)\nSELECT ts, sym, price, qty FROM trades WHERE price > :p LIMIT 10;\n",
}

PROFILES = {
    # seconds: warm-up per target, each pgbench run
    # (pgbench -T counts connection set-up, so 64 TLS logins on a busy machine need a few seconds)
    "full": {"warmup": 12, "duration": 7, "rounds": 3, "trades_modes": MODES, "idle_clients": IDLE_CLIENTS},
    "quick": {"warmup": 3, "duration": 2, "rounds": 1, "trades_modes": ("extended",), "idle_clients": 1000},
}

SSL_REQUEST = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")


# ---------------------------------------------------------------- servers

def new_portcullis(work, java_options):
    return Portcullis(work, java_options, {
        "portcullis.listen.client-login-timeout": f"{LOGIN_TIMEOUT_SECONDS}s",
        # Every client here comes from 127.0.0.1: the per-address cap (1000) would refuse the idle-client
        # run; PgBouncer has no such cap.
        "portcullis.listen.max-connections-per-address": 0})


def start_portcullis(portcullis, backend_port):
    """Starts Portcullis with database DATABASE -> QuestDB (session pool of POOL_SIZE) and SCRAM user BENCH_USER."""
    portcullis.start()
    portcullis.api("PUT", f"/api/v1/databases/{DATABASE}", {
        "host": HOST, "port": backend_port, "dbname": DATABASE, "user": QDB_USER,
        "password": QDB_PASSWORD, "poolMode": "session", "poolSize": POOL_SIZE})
    portcullis.api("PUT", f"/api/v1/users/{BENCH_USER}", {"password": BENCH_PASSWORD, "auth": "scram-sha-256"})
    await_login(portcullis, portcullis.port, BENCH_USER, BENCH_PASSWORD, "require")


class PgBouncer(Server):
    """Debian's pgbouncer, configured like Portcullis: TLS required, session pool of POOL_SIZE, SCRAM
    for clients, the backend's cleartext password in the database line (QuestDB asks cleartext)."""
    name = "pgbouncer"

    def __init__(self, work, backend_port):
        super().__init__(work)
        self.backend_port = backend_port
        self.binary = os.environ.get("PGBOUNCER_BIN") or shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"

    def start(self):
        self.port = free_port()
        # PgBouncer refuses to run as root: as root it runs as the postgres user from a directory that user owns.
        as_postgres = os.geteuid() == 0
        home = Path(tempfile.mkdtemp(prefix="portcullis-bench-pgbouncer-"))
        self.home = home
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(home / "server.key"), "-out", str(home / "server.crt")])
        (home / "userlist.txt").write_text(f'"{BENCH_USER}" "{BENCH_PASSWORD}"\n')
        self.log_path = home / "pgbouncer.log"
        (home / "pgbouncer.ini").write_text(f"""[databases]
{DATABASE} = host={HOST} port={self.backend_port} dbname={DATABASE} user={QDB_USER} password={QDB_PASSWORD}

[pgbouncer]
listen_addr = {HOST}
listen_port = {self.port}
unix_socket_dir =
pidfile = {home}/pgbouncer.pid
auth_type = scram-sha-256
auth_file = {home}/userlist.txt
pool_mode = session
default_pool_size = {POOL_SIZE}
max_client_conn = {IDLE_CLIENTS + 500}
client_tls_sslmode = require
client_tls_key_file = {home}/server.key
client_tls_cert_file = {home}/server.crt
client_tls_protocols = tlsv1.2,tlsv1.3
server_tls_sslmode = disable
client_login_timeout = {LOGIN_TIMEOUT_SECONDS}
ignore_startup_parameters = extra_float_digits
log_connections = 0
log_disconnections = 0
""")
        os.chmod(home / "server.key", 0o600)
        # runuser applies the login limits (often 1024 open files): lift the soft limit to the hard one so
        # PgBouncer can hold the idle clients.
        command = ["sh", "-c", 'ulimit -n "$(ulimit -Hn)"; exec "$@"', "sh", self.binary, "-q", str(home / "pgbouncer.ini")]
        if as_postgres:
            run(["chown", "-R", "postgres:postgres", str(home)])
            command = ["runuser", "-u", "postgres", "--", *command]
        self.spawn(command, cwd=home)
        await_login(self, self.port, BENCH_USER, BENCH_PASSWORD, "require")
        self._pid = self._find_pid()

    def _find_pid(self):
        # Under runuser the Popen child is runuser; PgBouncer writes its own pid file.
        pid_file = self.home / "pgbouncer.pid"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if pid_file.exists() and pid_file.read_text().strip():
                return int(pid_file.read_text().strip())
            time.sleep(0.2)
        return self.process.pid

    @property
    def pid(self):
        return self._pid

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            try:
                os.kill(self._pid, signal.SIGINT)
            except (OSError, AttributeError):
                pass
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        saved = self.work / "pgbouncer.log"
        if getattr(self, "home", None):
            if (self.home / "pgbouncer.log").exists():
                shutil.copy(self.home / "pgbouncer.log", saved)
            shutil.rmtree(self.home, ignore_errors=True)
        self.log_path = saved


# ---------------------------------------------------------------- pgbench

class Target:
    def __init__(self, key, label, server, port, user, password, sslmode, metered):
        self.key, self.label, self.server = key, label, server
        self.port, self.user, self.password, self.sslmode = port, user, password, sslmode
        self.metered = metered  # measure this process's CPU and RSS


def pgbench(target, script_path, mode, clients, seconds, connect_each=False):
    command = ["pgbench", "-n", "-f", str(script_path), "-M", mode, "-c", str(clients),
               "-j", str(min(PGBENCH_THREADS, clients)), "-T", str(seconds), "-h", HOST, "-p", str(target.port),
               "-U", target.user, DATABASE]
    if connect_each:
        command.insert(1, "-C")
    env = dict(os.environ, PGPASSWORD=target.password, PGSSLMODE=target.sslmode, PGAPPNAME="pgbench")
    pid = target.server.pid if target.metered else None
    cpu_before = cpu_seconds(pid) if pid else None
    started = time.monotonic()
    with RssSampler([pid] if pid else []) as sampler:
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=seconds + 300)
    wall = time.monotonic() - started
    row = {"target": target.key, "mode": mode, "clients": clients, "connect_each": connect_each,
           "load1_before": round(os.getloadavg()[0], 1)}
    if pid:
        row["proxy_cpu_seconds"] = round(cpu_seconds(pid) - cpu_before, 2)
        row["proxy_cpu_cores"] = round(row["proxy_cpu_seconds"] / wall, 2)
        row["proxy_peak_rss_mib"] = round(sampler.peak[pid] / 1024, 1)
    tps = re.search(r"^tps = ([\d.]+)", result.stdout, re.M)
    latency = re.search(r"^latency average = ([\d.]+) ms", result.stdout, re.M)
    failed = re.search(r"^number of failed transactions: (\d+)", result.stdout, re.M)
    processed = re.search(r"^number of transactions actually processed: (\d+)", result.stdout, re.M)
    if result.returncode != 0 or not tps:
        row["error"] = (result.stderr.strip() or result.stdout.strip()).splitlines()[-3:]
        log(f"  {target.key} {mode} c={clients}{' -C' if connect_each else ''}: FAILED {row['error']}")
        return row
    row["tps"] = round(float(tps.group(1)), 1)
    row["latency_ms"] = round(float(latency.group(1)), 3) if latency else None
    row["transactions"] = int(processed.group(1)) if processed else None
    row["failed"] = int(failed.group(1)) if failed else 0
    # pgbench goes on after some server errors and counts the transactions anyway: with -M prepared, a Parse
    # refused as "duplicate statement" leaves it executing whatever statement of that name the server
    # connection already had, i.e. another script's query. Such runs are marked in the table.
    server_errors = sorted({line.split("error: ", 1)[-1].strip() for line in result.stderr.splitlines()
                            if "ERROR:" in line})
    if server_errors:
        row["server_errors"] = server_errors
    if row["failed"] or "error" in result.stderr.lower():
        row["stderr"] = result.stderr.strip().splitlines()[-3:]
    log(f"  {target.key:10} {mode:8} c={clients:<3}{' -C' if connect_each else '   '} "
        f"tps={row['tps']:>9.1f} lat={row['latency_ms']} ms"
        + (f" cpu={row['proxy_cpu_cores']} cores" if pid else ""))
    return row


def warm_up(target, scripts, seconds):
    for mode in MODES:
        pgbench(target, scripts["select1"], mode, 16, max(2, seconds // len(MODES)))
    pgbench(target, scripts["trades"], "extended", 16, 2)


def warm_until_compiled(portcullis, target, scripts):
    """Keeps warming Portcullis while its JIT compilers still work hard: on a busy machine C2 can need
    minutes, and interpreted TLS code is many times slower. Capped at JIT_WARMUP_MAX_SECONDS."""
    deadline = time.monotonic() + JIT_WARMUP_MAX_SECONDS
    while time.monotonic() < deadline:
        before, started = jit_cpu_seconds(portcullis.pid), time.monotonic()
        warm_up(target, scripts, 6)
        share = (jit_cpu_seconds(portcullis.pid) - before) / (time.monotonic() - started)
        log(f"  Portcullis JIT compilers used {share:.2f} cores during that round")
        if share < JIT_QUIET_CORES:
            return
    log(f"  JIT still busy after {JIT_WARMUP_MAX_SECONDS} s of extra warm-up; measuring anyway")


# ---------------------------------------------------------------- idle TLS clients

def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, needed) if hard != resource.RLIM_INFINITY else needed,
                                                    hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def idle_tls_clients(server, port, count, before_measure=None):
    """Opens `count` connections that send SSLRequest, complete the TLS handshake and stay idle before the
    startup message (pre-login), and returns the proxy's RSS before and after."""
    limit = raise_fd_limit(count + 256)
    if limit < count + 64:
        return {"error": f"open-file limit {limit} is too low for {count} clients (ulimit -n)"}
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if before_measure:
        before_measure()
    time.sleep(1)
    rss_before = rss_kib(server.pid)
    sockets = []
    started = time.monotonic()
    try:
        for i in range(count):
            if i and i % 1000 == 0:
                log(f"  {i} open, RSS {rss_kib(server.pid) // 1024} MiB")
            raw = socket.create_connection((HOST, port), timeout=30)
            raw.sendall(SSL_REQUEST)
            answer = raw.recv(1)
            if answer != b"S":
                raw.close()
                raise RuntimeError(f"SSLRequest answered {answer!r}")
            sockets.append(context.wrap_socket(raw, server_hostname="localhost"))
        opened = time.monotonic() - started
        time.sleep(2)
        if before_measure:
            before_measure()
        time.sleep(1)
        alive = sum(1 for s in sockets if _still_open(s))
        rss_after = rss_kib(server.pid)
    finally:
        for s in sockets:
            try:
                s.close()
            except OSError:
                pass
    return {"clients": count, "still_open": alive, "open_seconds": round(opened, 1),
            "rss_before_mib": round(rss_before / 1024, 1), "rss_after_mib": round(rss_after / 1024, 1),
            "kib_per_client": round((rss_after - rss_before) / count, 1)}


def _still_open(tls_socket):
    tls_socket.setblocking(False)
    try:
        return tls_socket.recv(1) != b""
    except (ssl.SSLWantReadError, BlockingIOError):
        return True
    except OSError:
        return False
    finally:
        tls_socket.setblocking(True)


# ---------------------------------------------------------------- profile

ASYNC_PROFILER = "tools.profiler:async-profiler:4.2"
ASYNC_PROFILER_PLATFORMS = {"x86_64": "linux-x64", "aarch64": "linux-arm64"}
PROFILE_INTERVAL = "1ms"
# Where the proxy's CPU goes, by the frame that was running: the kernel by the system call that entered it,
# native TLS, then the Java code by owner. First match wins.
PROFILE_CATEGORIES = (
    ("JIT compiler threads", lambda s, leaf: "CompileBroker" in s),
    ("kernel: send (with loopback delivery to the receiver)",
     lambda s, leaf: leaf.endswith("_[k]") and any(k in s for k in ("sys_sendto", "sys_write", "write0"))),
    ("kernel: receive", lambda s, leaf: leaf.endswith("_[k]") and any(k in s for k in ("sys_recvfrom", "sys_read", "read0"))),
    ("kernel: epoll", lambda s, leaf: leaf.endswith("_[k]") and "epoll" in s),
    ("kernel: other", lambda s, leaf: leaf.endswith("_[k]")),
    ("TLS records (BoringSSL)", lambda s, leaf: "tcnative" in leaf),
)
JAVA_OWNERS = (("TLS records (Netty SslHandler, engine glue)", ("io/netty/handler/ssl/", "io/netty/internal/tcnative/", "javax/net/ssl/")),
               ("Portcullis", ("io/portcullis/",)),
               ("Micrometer", ("io/micrometer/", "java/util/concurrent/atomic/LongAdder", "java/util/IdentityHashMap")),
               ("Vert.x", ("io/vertx/",)),
               ("Netty channels, buffers, event loop (+ JDK NIO)", ("io/netty/", "sun/nio/", "java/nio/")))


def async_profiler_library(out_dir):
    """libasyncProfiler.so from Maven Central (tools.profiler:async-profiler), fetched with the Maven wrapper
    so a mirror in settings.xml applies; None, with a log line, when this platform has none or the fetch fails."""
    import platform
    import zipfile
    classifier = ASYNC_PROFILER_PLATFORMS.get(platform.machine())
    if classifier is None or platform.system() != "Linux":
        log(f"no async-profiler build for {platform.system()} {platform.machine()}: no profile")
        return None
    library = BENCH_DIR / "async-profiler" / classifier / "libasyncProfiler.so"
    if not library.exists():
        fetched = subprocess.run([str(ROOT / "mvnw"), "-B", "-q", "dependency:copy",
                                  f"-Dartifact={ASYNC_PROFILER}:jar:{classifier}",
                                  f"-DoutputDirectory={out_dir}"], cwd=ROOT, capture_output=True, text=True)
        jars = list(out_dir.glob("async-profiler-*.jar"))
        if fetched.returncode != 0 or not jars:
            log(f"could not fetch {ASYNC_PROFILER} ({classifier}) from Maven: no profile\n{fetched.stdout[-2000:]}")
            return None
        with zipfile.ZipFile(jars[0]) as jar:
            library.parent.mkdir(parents=True, exist_ok=True)
            library.write_bytes(jar.read(f"{classifier}/libasyncProfiler.so"))
    return library


def profile_portcullis(portcullis, target, script_path, mode, clients, seconds, out_dir):
    """Samples Portcullis's CPU with async-profiler (Java, JNI and kernel frames; JFR sees only Java) during one
    extra run, writes a flame graph and the collapsed stacks, and sums the samples by PROFILE_CATEGORIES."""
    library = async_profiler_library(out_dir)
    if library is None:
        return None
    flame = out_dir / f"portcullis-{mode}-{clients}c.html"
    collapsed = out_dir / f"portcullis-{mode}-{clients}c.collapsed"
    # jcmd splits its arguments at '=' unless quoted: the agent's option string goes in quotes.
    agent = ["jcmd", str(portcullis.pid), "JVMTI.agent_load", str(library)]
    run(agent + [f'"start,event=cpu,interval={PROFILE_INTERVAL}"'])
    row = pgbench(target, script_path, mode, clients, seconds)
    run(agent + [f'"dump,file={flame}"'])
    run(agent + [f'"stop,file={collapsed},collapsed"'])
    if not collapsed.exists():
        log("async-profiler wrote no profile (see Portcullis's log): no summary")
        return None
    summary = summarise_profile(collapsed)
    shown = lambda path: str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    return {"cell": f"select1 {mode} c={clients}", "flame_graph": shown(flame), "collapsed": shown(collapsed),
            "interval": PROFILE_INTERVAL, "run": row, **summary}


def profile_pgbouncer(pgbouncer, target, script_path, mode, clients, seconds, out_dir):
    """The same run against PgBouncer, sampled with Linux perf (when installed) in the same categories, so the
    two proxies' CPU per transaction can be split side by side: kernel, TLS, and their own user-space work."""
    if shutil.which("perf") is None:
        log("perf not installed (Debian: linux-perf): no PgBouncer profile")
        return None
    data = out_dir / f"pgbouncer-{mode}-{clients}c.perf"
    recorder = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(pgbouncer.pid), "-o", str(data)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    row = pgbench(target, script_path, mode, clients, seconds)
    recorder.send_signal(signal.SIGINT)
    _, errors = recorder.communicate(timeout=60)
    printed = subprocess.run(["perf", "script", "-i", str(data), "-F", "ip,sym,dso"], capture_output=True,
                             text=True, timeout=600).stdout if data.exists() else ""
    totals, samples = {}, 0
    for block in printed.strip().split("\n\n"):
        frames = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not frames:
            continue
        samples += 1
        leaf, stack = frames[0], " ".join(frames)
        if "kernel.kallsyms" in leaf:
            category = ("kernel: send (with loopback delivery to the receiver)" if re.search(r"sendto|sys_write|sendmsg", stack)
                        else "kernel: receive" if re.search(r"recvfrom|sys_read|recvmsg", stack)
                        else "kernel: epoll" if "epoll" in stack else "kernel: other")
        elif "libssl" in leaf or "libcrypto" in leaf:
            category = "TLS records (OpenSSL)"
        elif "pgbouncer" in leaf:
            category = "PgBouncer"
        elif "libevent" in leaf:
            category = "libevent"
        elif "libc" in leaf:
            category = "libc"
        else:
            category = "other"
        totals[category] = totals.get(category, 0) + 1
    if not samples:
        log(f"perf recorded no samples of PgBouncer: {errors.strip()[-300:]}")
        return None
    return {"cell": f"select1 {mode} c={clients}", "run": row, "samples": samples, "interval": "999 Hz",
            "categories": shares(totals, samples, 20)}


def shares(counts, samples, n):
    """The n largest counts, each with its percentage of all samples."""
    return [{"name": k, "samples": c, "percent": round(100 * c / samples, 1)}
            for k, c in sorted(counts.items(), key=lambda kv: -kv[1])][:n]


def summarise_profile(collapsed):
    """Samples of a collapsed-stacks file by PROFILE_CATEGORIES / JAVA_OWNERS, and the hottest leaf frames."""
    totals, self_counts, samples = {}, {}, 0
    for line in collapsed.read_text().splitlines():
        stack, count = line.rsplit(" ", 1)
        frames, count = stack.split(";"), int(count)
        samples += count
        leaf = frames[-1]
        self_counts[leaf] = self_counts.get(leaf, 0) + count
        category = next((name for name, match in PROFILE_CATEGORIES if match(stack, leaf)), None)
        if category is None:
            java = next((f for f in reversed(frames) if "/" in f and "." in f and not f.startswith("/")), "")
            category = next((name for name, prefixes in JAVA_OWNERS if java.startswith(prefixes)),
                            "JVM threads, GC, other")
        totals[category] = totals.get(category, 0) + count
    return {"samples": samples, "categories": shares(totals, samples, 20), "top_self": shares(self_counts, samples, 25)}


# ---------------------------------------------------------------- report

def ratio(a, b):
    return round(a / b, 2) if a and b else None


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def summarise(runs):
    """One target's runs of one cell (one per round) as a row of medians; failed runs only add their error."""
    good = [r for r in runs if "error" not in r]
    row = {key: median(r.get(key) for r in good)
           for key in ("tps", "latency_ms", "proxy_cpu_cores", "proxy_peak_rss_mib")}
    row["cpu_us_per_txn"] = median(cpu_per_transaction(r) for r in good)
    errors = [r["error"] for r in runs if "error" in r]
    if errors:
        row["error"] = errors
    server_errors = sorted({e for r in good for e in r.get("server_errors", [])})
    if server_errors:
        row["server_errors"] = server_errors
    return row


def build_table(rows):
    by_cell = {}
    for row in rows:
        key = (row["script"], row["mode"], row["clients"], row["connect_each"])
        by_cell.setdefault(key, {}).setdefault(row["target"], []).append(row)
    table = []
    for (script, mode, clients, connect_each), runs in by_cell.items():
        cell = {target: summarise(target_runs) for target, target_runs in runs.items()}
        d, b, p = cell.get("direct", {}), cell.get("pgbouncer", {}), cell.get("portcullis", {})
        per_round = [ratio(pr.get("tps"), br.get("tps"))
                     for pr, br in zip(runs.get("portcullis", []), runs.get("pgbouncer", []))]
        per_round = [r for r in per_round if r is not None]
        table.append({
            "rounds": len(runs.get("portcullis", [])),
            "portcullis_vs_pgbouncer_range": [min(per_round), max(per_round)] if per_round else None,
            "script": script, "mode": mode, "clients": clients, "connect_each": connect_each,
            "direct_tps": d.get("tps"), "pgbouncer_tps": b.get("tps"), "portcullis_tps": p.get("tps"),
            "portcullis_vs_pgbouncer": ratio(p.get("tps"), b.get("tps")),
            "portcullis_vs_direct": ratio(p.get("tps"), d.get("tps")),
            "direct_latency_ms": d.get("latency_ms"), "pgbouncer_latency_ms": b.get("latency_ms"),
            "portcullis_latency_ms": p.get("latency_ms"),
            "pgbouncer_cpu_cores": b.get("proxy_cpu_cores"), "portcullis_cpu_cores": p.get("proxy_cpu_cores"),
            "pgbouncer_cpu_us_per_txn": b.get("cpu_us_per_txn"), "portcullis_cpu_us_per_txn": p.get("cpu_us_per_txn"),
            "portcullis_peak_rss_mib": p.get("proxy_peak_rss_mib"),
            "errors": {t: r["error"] for t, r in cell.items() if "error" in r} or None,
            "server_errors": {t: r["server_errors"] for t, r in cell.items() if "server_errors" in r} or None,
        })
    return table


def cpu_per_transaction(row):
    """The proxy's CPU microseconds per transaction in one run: how much work a transaction costs it. Less
    sensitive to what else the machine does than TPS, which on 2 shared cores mostly says who got the CPU."""
    cores, tps = row.get("proxy_cpu_cores"), row.get("tps")
    return round(cores / tps * 1e6, 1) if cores and tps else None


def mark(row, target):
    """† after a target's TPS when pgbench reported server errors in its runs of the cell."""
    return " †" if (row.get("server_errors") or {}).get(target) else ""


def spread(bounds):
    """The range of the per-round ratios, when there was more than one round."""
    if not bounds or bounds[0] == bounds[1]:
        return ""
    return f" ({bounds[0]:.2f}–{bounds[1]:.2f})"


def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def markdown(result):
    env, table = result["environment"], result["table"]
    lines = [f"# Portcullis benchmark {result['started']} ({result['profile']})", "",
             f"- commit `{env['git']}`; machine: {env['nproc']} × {env['cpu_model']}, {env['memory_gib']} GiB, "
             f"{env['kernel']}",
             f"- {env['java']}; QuestDB {env['questdb']}; {env['pgbouncer']}; {env['pgbench']}",
             f"- Portcullis JVM options: `{' '.join(env['portcullis_java_options']) or '(defaults)'}`",
             f"- every cell {result['settings']['rounds']} round(s), each running the three targets back to back "
             f"(each round starting with another); TPS, latency and CPU are medians over the rounds, P/PgB is the "
             f"ratio of the medians with the range of the per-round ratios in brackets",
             f"- each run {result['settings']['duration']} s (+{SETUP_ALLOWANCE_SECONDS[16]} s at 16 clients, "
             f"+{SETUP_ALLOWANCE_SECONDS[64]} s at 64 for logging in) after a {result['settings']['warmup']} s warm-up per "
             f"target; pgbench -n -j {PGBENCH_THREADS}; pool size {POOL_SIZE} (session) in both proxies; "
             f"direct = QuestDB without TLS, proxies with sslmode=require (client SCRAM-SHA-256)",
             "- scripts: `select1` = `SELECT 1;`; `trades` = `SELECT ts, sym, price, qty FROM trades WHERE price > :p "
             f"LIMIT 10` ({TRADES_ROWS:,} rows); `-C` = a new TLS connection (and login) per transaction", "",
             "| script | mode | clients | direct TPS | PgBouncer TPS | Portcullis TPS | P/PgB | P/direct "
             "| latency ms direct / PgB / P | CPU cores PgB / P | CPU µs/txn PgB / P |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|---|---|"]
    for row in table:
        lines.append(
            f"| {row['script']} | {row['mode']}{' -C' if row['connect_each'] else ''} | {row['clients']} "
            f"| {fmt(row['direct_tps'])}{mark(row, 'direct')} | {fmt(row['pgbouncer_tps'])}{mark(row, 'pgbouncer')} "
            f"| {fmt(row['portcullis_tps'])}{mark(row, 'portcullis')} "
            f"| {fmt(row['portcullis_vs_pgbouncer'], 2)}{spread(row['portcullis_vs_pgbouncer_range'])} "
            f"| {fmt(row['portcullis_vs_direct'], 2)} "
            f"| {fmt(row['direct_latency_ms'], 3)} / {fmt(row['pgbouncer_latency_ms'], 3)} / "
            f"{fmt(row['portcullis_latency_ms'], 3)} "
            f"| {fmt(row['pgbouncer_cpu_cores'], 2)} / {fmt(row['portcullis_cpu_cores'], 2)} "
            f"| {fmt(row['pgbouncer_cpu_us_per_txn'], 1)} / {fmt(row['portcullis_cpu_us_per_txn'], 1)} |")
    flagged = [r for r in table if r["server_errors"]]
    if flagged:
        lines += ["", "† pgbench reported server errors in these runs and counted the transactions anyway, so "
                  "the TPS may not be for the script (with `-M prepared`, a refused Parse leaves pgbench executing "
                  "the statement of that name the server connection already had):"]
        lines += [f"- {r['script']} {r['mode']} c={r['clients']}, {target}: {'; '.join(messages)}"
                  for r in flagged for target, messages in r["server_errors"].items()]
    errors = [r for r in table if r["errors"]]
    if errors:
        lines += ["", "Failed runs:"]
        lines += [f"- {r['script']} {r['mode']} c={r['clients']}: {r['errors']}" for r in errors]
    load = result["load_average"]
    busy = max(load["start"][0], load["end"][0]) > env["nproc"]
    lines += ["", f"Load average (1/5/15 min) at start {load['start']}, at end {load['end']}"
              + (" — **the machine was busy with other work: absolute numbers are depressed and noisy; compare "
                 "ratios only, and rerun on a quiet machine**" if busy else "") + "."]
    mem = result["memory"]
    lines += ["", "Memory (RSS):", "",
              f"- Portcullis: {fmt(mem['portcullis_rss_start_mib'], 1)} MiB after start-up, peak "
              f"{fmt(mem['portcullis_peak_rss_mib'], 1)} MiB during the runs; CPU "
              f"{fmt(mem['portcullis_cpu_seconds'], 1)} s over the whole benchmark "
              f"(PgBouncer {fmt(mem['pgbouncer_cpu_seconds'], 1)} s, peak RSS {fmt(mem['pgbouncer_peak_rss_mib'], 1)} MiB)"]
    for name, idle in result["idle_clients"].items():
        if "error" in idle:
            lines.append(f"- {name}, idle TLS clients: {idle['error']}")
        else:
            lines.append(f"- {name}, {idle['clients']:,} idle TLS clients (SSLRequest + handshake, pre-login; "
                         f"{idle['still_open']:,} still open at measurement): RSS {idle['rss_before_mib']} → "
                         f"{idle['rss_after_mib']} MiB = {idle['kib_per_client']} KiB per client")
    if result.get("profile_summary"):
        prof = result["profile_summary"]
        lines += profile_lines(f"Portcullis (async-profiler, CPU every {prof['interval']}, {prof['cell']}, "
                               f"{prof['samples']:,} samples; flame graph `{prof['flame_graph']}`)", prof)
        lines += ["", "Top frames by self time:", ""]
        lines += [f"- {p['percent']}% `{p['name']}`" for p in prof["top_self"][:15]]
    if result.get("pgbouncer_profile"):
        prof = result["pgbouncer_profile"]
        lines += profile_lines(f"PgBouncer (perf, {prof['interval']}, the same cell, {prof['samples']:,} samples)", prof)
    return "\n".join(lines) + "\n"


def profile_lines(title, prof):
    """A profile's categories as a list, with CPU µs per transaction when its run measured the proxy's CPU."""
    per_txn = cpu_per_transaction(prof.get("run") or {})
    lines = ["", f"Profile of {title}, by what was running"
             + (f", share and CPU µs per transaction ({per_txn} µs in all):" if per_txn else ":"), ""]
    return lines + [f"- {p['percent']}% " + (f"{per_txn * p['percent'] / 100:.1f} µs " if per_txn else "") + p["name"]
                    for p in prof["categories"]]


# ---------------------------------------------------------------- main

def main():
    # SIGTERM stops the servers too (the finally block runs), like Ctrl-C.
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description="Portcullis vs PgBouncer vs direct QuestDB, with pgbench")
    parser.add_argument("--quick", action="store_true", help="fewer cells, short runs, 1,000 idle clients (about 4 minutes)")
    parser.add_argument("--rounds", type=int, help="rounds per cell (full: 3, quick: 1)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile Portcullis (async-profiler) and PgBouncer (perf) in one extra select1 simple 64-client run")
    args = parser.parse_args()
    profile = "quick" if args.quick else "full"
    settings = dict(PROFILES[profile])
    if args.rounds:
        settings["rounds"] = max(1, args.rounds)
    java_options = os.environ.get("BENCH_PORTCULLIS_JAVA_OPTS", "").split()

    require_tools(("pgbench", "psql", "openssl", "java", "jcmd"), "src/bench/run.sh")

    started = datetime.datetime.now()
    load_start = [round(x, 1) for x in os.getloadavg()]
    stamp = started.strftime("%Y%m%d-%H%M%S")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    work = BENCH_DIR / f"run-{stamp}"
    work.mkdir()
    scripts = {}
    for name, text in SCRIPTS.items():
        scripts[name] = work / f"{name}.sql"
        scripts[name].write_text(text)
    env = environment(java_options)
    env["pgbouncer"] = first_line([os.environ.get("PGBOUNCER_BIN") or "pgbouncer", "--version"])
    log(f"benchmark ({profile}) in {work}; commit {env['git']}")

    questdb = QuestDb(work, QUESTDB_CONNECTION_LIMIT)
    portcullis = pgbouncer = None
    servers = [questdb]
    try:
        log("starting QuestDB")
        questdb.start()
        questdb.create_trades()
        log("starting Portcullis")
        portcullis = new_portcullis(work, java_options)
        servers.append(portcullis)
        start_portcullis(portcullis, questdb.port)
        log("starting PgBouncer")
        pgbouncer = PgBouncer(work, questdb.port)
        servers.append(pgbouncer)
        pgbouncer.start()
        rss_start = rss_kib(portcullis.pid)
        cpu_start = {s.name: cpu_seconds(s.pid) for s in (portcullis, pgbouncer)}

        targets = [
            Target("direct", "QuestDB direct", questdb, questdb.port, QDB_USER, QDB_PASSWORD, "disable", False),
            Target("pgbouncer", "PgBouncer", pgbouncer, pgbouncer.port, BENCH_USER, BENCH_PASSWORD, "require", True),
            Target("portcullis", "Portcullis", portcullis, portcullis.port, BENCH_USER, BENCH_PASSWORD, "require",
                   True),
        ]
        for target in targets:
            log(f"warming up {target.key} ({settings['warmup']} s)")
            warm_up(target, scripts, settings["warmup"])
        warm_until_compiled(portcullis, targets[2], scripts)

        rows = []
        cells = [(script, mode, clients, False) for script in SCRIPTS
                 for mode in (MODES if script == "select1" else settings["trades_modes"]) for clients in CLIENT_COUNTS]
        cells += [("select1", "simple", clients, True) for clients in (1, 16)]
        for script, mode, clients, connect_each in cells:
            log(f"{script} {mode} c={clients}{' -C' if connect_each else ''}")
            for round_number in range(settings["rounds"]):
                # Each round starts with another target, so no target always runs first (or last).
                shift = round_number % len(targets)
                for target in targets[shift:] + targets[:shift]:
                    for s in servers:
                        s.check_alive()
                    seconds = settings["duration"] + (0 if connect_each else SETUP_ALLOWANCE_SECONDS[clients])
                    row = pgbench(target, scripts[script], mode, clients, seconds, connect_each)
                    row["script"] = script
                    row["round"] = round_number
                    rows.append(row)

        memory = {
            "portcullis_rss_start_mib": round(rss_start / 1024, 1),
            "portcullis_peak_rss_mib": max((r.get("proxy_peak_rss_mib") or 0) for r in rows
                                           if r["target"] == "portcullis"),
            "pgbouncer_peak_rss_mib": max((r.get("proxy_peak_rss_mib") or 0) for r in rows
                                          if r["target"] == "pgbouncer"),
            "portcullis_cpu_seconds": round(cpu_seconds(portcullis.pid) - cpu_start["portcullis"], 1),
            "pgbouncer_cpu_seconds": round(cpu_seconds(pgbouncer.pid) - cpu_start["pgbouncer"], 1),
        }

        profile_summary = None
        pgbouncer_profile = None
        if args.profile:
            log("profile of Portcullis (async-profiler) and PgBouncer (perf): select1 simple c=64")
            profile_seconds = max(settings["duration"], 10)
            profile_summary = profile_portcullis(portcullis, targets[2], scripts["select1"], "simple", 64,
                                                 profile_seconds, work)
            pgbouncer_profile = profile_pgbouncer(pgbouncer, targets[1], scripts["select1"], "simple", 64,
                                                  profile_seconds, work)

        idle = {}
        idle_count = settings["idle_clients"]
        log(f"{idle_count} idle TLS clients on Portcullis")
        idle["Portcullis"] = idle_tls_clients(portcullis, portcullis.port, idle_count, portcullis.gc)
        log(f"  {idle['Portcullis']}")
        log(f"{idle_count} idle TLS clients on PgBouncer")
        idle["PgBouncer"] = idle_tls_clients(pgbouncer, pgbouncer.port, idle_count)
        log(f"  {idle['PgBouncer']}")
    finally:
        for server in reversed(servers):
            try:
                server.stop()
            except Exception as e:  # keep stopping the others
                log(f"stopping {server.name}: {e}")

    result = {"started": started.isoformat(timespec="seconds"), "profile": profile, "settings": settings,
              "environment": env, "table": build_table(rows), "runs": rows, "memory": memory,
              "idle_clients": idle, "profile_summary": profile_summary, "pgbouncer_profile": pgbouncer_profile,
              "load_average": {"start": load_start, "end": [round(x, 1) for x in os.getloadavg()]},
              "elapsed_seconds": round((datetime.datetime.now() - started).total_seconds())}
    sha = env["git"]
    base = BENCH_DIR / f"results-{stamp}-{sha}"
    base.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    text = markdown(result)
    base.with_suffix(".md").write_text(text)
    print(text)
    log(f"results: {base}.md and .json (logs in {work})")


if __name__ == "__main__":
    main()
