#!/usr/bin/env python3
"""Portcullis benchmark driver (started by src/bench/run.sh, which installs and builds what it needs).

Starts QuestDB, PgBouncer and Portcullis -- the JVM build (the fast-jar) and the native executable -- on
loopback free ports, runs pgbench custom scripts against four targets -- QuestDB direct (plaintext, the
limit), PgBouncer + TLS, Portcullis JVM + TLS, Portcullis native + TLS -- and writes tables with TPS,
latency, each Portcullis build's ratio to PgBouncer and to direct, the proxies' CPU and memory, their start
time and footprint, memory with 5,000 idle TLS clients, and an SVG chart. Standard library only.

Every cell runs the targets back to back so drift on a shared machine hits them alike, and does so for
several rounds, each starting with another target; the tables give each target's median over the rounds
and the range of the per-round ratio to PgBouncer, because on 2 shared cores one run of a cell can differ
from the next by more than the proxies differ.
"""

import argparse
import base64
import bisect
import datetime
import hashlib
import hmac
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import (HOST, QDB_DATABASE as DATABASE, QDB_USER, QDB_PASSWORD, ROOT, TRADES_ROWS, Portcullis, QuestDb,
                     RssSampler, Server, await_login, cpu_seconds, environment, first_line, jvm_command,
                     jit_cpu_seconds, log, free_port, native_command, require_tools, rss_kib, run, stop_on_sigterm,
                     tail)

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
# Portcullis is warm when its JIT compilers use less than this share of a core during a warm-up round, and less
# than this part of the process's CPU: under pgbench -C the proxy itself uses a third of a core, and 0.07 cores of
# compiling cost ~400 us per connection.
JIT_QUIET_CORES = 0.1
JIT_QUIET_PART = 0.05
JIT_WARMUP_MAX_SECONDS = 120
# Before the -C cells every target also opens connections for a while: the JVM compiles its connect path only after
# thousands of connections (C2 compiles a method after ~10,000 calls, and these run once per connection), so without
# this the -C cells measured it half-interpreted (1,400-1,900 us of CPU per connection against ~850 warm).
CONNECT_WARMUP_CLIENTS = 8

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

# The targets, in the order of the first round; the Portcullis builds among them are PROXY_KEYS.
LABELS = {"direct": "QuestDB direct", "pgbouncer": "PgBouncer", "jvm": "Portcullis JVM", "native": "Portcullis native"}
SHORT = {"direct": "direct", "pgbouncer": "PgB", "jvm": "JVM", "native": "native"}
DEFAULT_NATIVE = ROOT / "target" / "portcullis-0.1.0-SNAPSHOT-runner"
# Start time: each proxy is started this many times with an existing data dir (Portcullis) or config
# (PgBouncer), timed from exec to the first answered SSLRequest; RSS is read this long after that answer.
START_REPEATS = 5
START_IDLE_SECONDS = 3
SCRAM_ITERATIONS = 4096


# ---------------------------------------------------------------- servers

def new_portcullis(work, key, command):
    return Portcullis(work, properties={
        "portcullis.listen.client-login-timeout": f"{LOGIN_TIMEOUT_SECONDS}s",
        # Every client here comes from 127.0.0.1: the per-address cap (1000) would refuse the idle-client
        # run; PgBouncer has no such cap.
        "portcullis.listen.max-connections-per-address": 0}, command=command, name=key)


def configure_portcullis(portcullis, backend_port):
    """Database DATABASE -> QuestDB (session pool of POOL_SIZE) and SCRAM user BENCH_USER, through the API of a
    started Portcullis; stored in its data dir, so later starts with that data dir have them."""
    portcullis.api("PUT", f"/api/v1/databases/{DATABASE}", {
        "host": HOST, "port": backend_port, "dbname": DATABASE, "user": QDB_USER,
        "password": QDB_PASSWORD, "poolMode": "session", "poolSize": POOL_SIZE})
    portcullis.api("PUT", f"/api/v1/users/{BENCH_USER}", {"password": BENCH_PASSWORD, "auth": "scram-sha-256"})
    await_login(portcullis, portcullis.port, BENCH_USER, BENCH_PASSWORD, "require")


def scram_verifier(password, salt=None, iterations=SCRAM_ITERATIONS):
    """The SCRAM-SHA-256 verifier of a password as PostgreSQL stores it (RFC 5802/7677):
    SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>, base64. A server holding this derives nothing
    per login; one holding the password runs PBKDF2 (`iterations` HMACs) for every login."""
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = lambda raw: base64.b64encode(raw).decode()
    return (f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(hashlib.sha256(client_key).digest())}"
            f":{b64(server_key)}")


class PgBouncer(Server):
    """Debian's pgbouncer, configured like Portcullis: TLS required, session pool of POOL_SIZE, SCRAM
    for clients against a stored verifier (as Portcullis stores it), the backend's cleartext password in the
    database line (QuestDB asks cleartext)."""
    name = "pgbouncer"

    def __init__(self, work, backend_port):
        super().__init__(work)
        self.backend_port = backend_port
        self.binary = os.environ.get("PGBOUNCER_BIN") or shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        self.home = None

    def configure(self):
        """Certificate, userlist and pgbouncer.ini in a fresh directory, on a free port kept for every launch."""
        self.port = free_port()
        home = Path(tempfile.mkdtemp(prefix="portcullis-bench-pgbouncer-"))
        self.home = home
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(home / "server.key"), "-out", str(home / "server.crt")])
        (home / "userlist.txt").write_text(f'"{BENCH_USER}" "{scram_verifier(BENCH_PASSWORD)}"\n')
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
        # PgBouncer refuses to run as root: as root it runs as the postgres user from a directory that user owns.
        if os.geteuid() == 0:
            run(["chown", "-R", "postgres:postgres", str(home)])

    def launch(self):
        """Spawns PgBouncer with the configuration of configure() and returns at once."""
        if self.home is None:
            self.configure()
        self._pid = None
        # runuser applies the login limits (often 1024 open files): lift the soft limit to the hard one so
        # PgBouncer can hold the idle clients.
        command = ["sh", "-c", 'ulimit -n "$(ulimit -Hn)"; exec "$@"', "sh", self.binary, "-q",
                   str(self.home / "pgbouncer.ini")]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        self.spawn(command, cwd=self.home)

    def start(self):
        self.launch()
        await_login(self, self.port, BENCH_USER, BENCH_PASSWORD, "require")
        self._pid = self._find_pid()

    def _find_pid(self):
        # Under runuser the Popen child is runuser; PgBouncer writes its own pid file.
        pid_file = self.home / "pgbouncer.pid"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if pid_file.exists() and pid_file.read_text().strip():
                return int(pid_file.read_text().strip())
            time.sleep(0.05)
        return self.process.pid

    @property
    def pid(self):
        if not getattr(self, "_pid", None):
            self._pid = self._find_pid()
        return self._pid

    def stop(self, keep=False):
        """Stops PgBouncer; unless `keep`, also removes its directory (keeping the log in the run directory)."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.kill(self.pid, signal.SIGINT)
            except OSError:
                pass
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if keep:
            return
        saved = self.work / "pgbouncer.log"
        if self.home:
            if (self.home / "pgbouncer.log").exists():
                shutil.copy(self.home / "pgbouncer.log", saved)
            shutil.rmtree(self.home, ignore_errors=True)
        self.log_path = saved


# ---------------------------------------------------------------- start time and footprint

def ssl_request_answered(port):
    """Whether the port answers an SSLRequest with 'S' now (False while nothing listens)."""
    try:
        with socket.create_connection((HOST, port), timeout=2) as s:
            s.sendall(SSL_REQUEST)
            return s.recv(1) == b"S"
    except OSError:
        return False


def time_starts(server, repeats):
    """Launches and stops `server` `repeats` times: the seconds from exec to the first answered SSLRequest,
    and the RSS START_IDLE_SECONDS after that answer with no client."""
    seconds, rss = [], []
    for _ in range(repeats):
        started = time.monotonic()
        server.launch()
        while not ssl_request_answered(server.port):
            server.check_alive()
            if time.monotonic() - started > 120:
                raise RuntimeError(f"{server.name} answered no SSLRequest within 120 s\n{tail(server.log_path)}")
            time.sleep(0.002)
        seconds.append(time.monotonic() - started)
        time.sleep(START_IDLE_SECONDS)
        rss.append(rss_kib(server.pid))
        server.stop(keep=True) if isinstance(server, PgBouncer) else server.stop()
    log(f"  {server.name}: start to first SSLRequest answer {', '.join(f'{s:.3f}' for s in seconds)} s; "
        f"idle RSS {', '.join(str(r // 1024) for r in rss)} MiB")
    return {"repeats": repeats, "start_seconds": [round(s, 3) for s in seconds],
            "start_median_seconds": round(median(seconds), 3), "start_range_seconds": [round(min(seconds), 3),
                                                                                          round(max(seconds), 3)],
            "idle_rss_mib": [round(r / 1024, 1) for r in rss], "idle_rss_median_mib": round(median(rss) / 1024, 1)}


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


def warm_up_connects(target, scripts, seconds):
    """The path a new connection takes (accept, TLS handshake, SCRAM, lending, close), which the other warm-ups run
    only once per client: pgbench -C."""
    pgbench(target, scripts["select1"], "simple", CONNECT_WARMUP_CLIENTS, seconds, connect_each=True)


def warm_until_compiled(portcullis, target, scripts, warm=warm_up):
    """Only for the JVM build (a native executable has no JIT). Keeps warming Portcullis with `warm` while its JIT
    compilers still work hard: on a busy machine C2 can need minutes, and interpreted TLS code is many times slower.
    Capped at JIT_WARMUP_MAX_SECONDS."""
    deadline = time.monotonic() + JIT_WARMUP_MAX_SECONDS
    while time.monotonic() < deadline:
        before, process_before, started = jit_cpu_seconds(portcullis.pid), cpu_seconds(portcullis.pid), time.monotonic()
        warm(target, scripts, 6)
        compiling = jit_cpu_seconds(portcullis.pid) - before
        share = compiling / (time.monotonic() - started)
        part = compiling / max(cpu_seconds(portcullis.pid) - process_before, 1e-9)
        log(f"  Portcullis JVM's JIT compilers used {share:.2f} cores during that round ({part:.0%} of its CPU)")
        if share < JIT_QUIET_CORES and part < JIT_QUIET_PART:
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
# TLS records, then the user-space code by owner. First match wins. The names are shared by the three profiles
# (PgBouncer, JVM and native with perf or async-profiler) so the report can set them side by side.
KERNEL_SEND = "kernel: send (with loopback delivery to the receiver)"
KERNEL_RECEIVE, KERNEL_EPOLL, KERNEL_OTHER = "kernel: receive", "kernel: epoll", "kernel: other"
TLS_GLUE = "TLS records: Netty SslHandler, engine glue"
NETTY = "Netty channels, buffers, event loop (+ JDK NIO)"
PROFILE_CATEGORIES = (
    ("JIT compiler threads", lambda s, leaf: "CompileBroker" in s),
    (KERNEL_SEND, lambda s, leaf: leaf.endswith("_[k]") and any(k in s for k in ("sys_sendto", "sys_write", "write0"))),
    (KERNEL_RECEIVE, lambda s, leaf: leaf.endswith("_[k]") and any(k in s for k in ("sys_recvfrom", "sys_read", "read0"))),
    (KERNEL_EPOLL, lambda s, leaf: leaf.endswith("_[k]") and "epoll" in s),
    (KERNEL_OTHER, lambda s, leaf: leaf.endswith("_[k]")),
    ("TLS records: BoringSSL", lambda s, leaf: "tcnative" in leaf),
)
JAVA_OWNERS = ((TLS_GLUE, ("io/netty/handler/ssl/", "io/netty/internal/tcnative/", "javax/net/ssl/")),
               ("Portcullis", ("io/portcullis/",)),
               ("Micrometer", ("io/micrometer/", "java/util/concurrent/atomic/LongAdder", "java/util/IdentityHashMap")),
               ("Vert.x", ("io/vertx/",)),
               (NETTY, ("io/netty/", "sun/nio/", "java/nio/")))
# The order of the side-by-side table; categories not listed follow.
CATEGORY_ORDER = (KERNEL_SEND, KERNEL_RECEIVE, KERNEL_EPOLL, KERNEL_OTHER, "TLS records: OpenSSL",
                  "TLS records: BoringSSL", "TLS records: JDK engine", TLS_GLUE, "PgBouncer", "libevent", "Portcullis",
                  "Micrometer", "Vert.x", NETTY, "libc", "GC", "native-image runtime (SVM: threads, locks, ...)",
                  "JIT compiler threads", "JVM threads, GC, other", "other")


KERNEL_PATTERNS = ((KERNEL_SEND, re.compile(r"sendto|sys_write|sendmsg|libc_write|libc_send|__send\b|write0")),
                   (KERNEL_RECEIVE, re.compile(r"recvfrom|sys_read|recvmsg|libc_read|libc_recv|__recv\b|read0")),
                   (KERNEL_EPOLL, re.compile(r"epoll")))


def kernel_category(stack):
    """A kernel sample of perf by the system call under it: first by its kernel frames (perf's kernel call chains
    are complete), else by the user-space frame that entered the kernel (a task switch on the way out of
    write() names no write in the kernel part)."""
    end = stack.rfind("[kernel.kallsyms])")
    kernel_part, entry = stack[:end], stack[end:end + 300]
    for part in (kernel_part, entry):
        for category, pattern in KERNEL_PATTERNS:
            if pattern.search(part):
                return category
    return KERNEL_OTHER


def pgbouncer_category(leaf, stack):
    if "kernel.kallsyms" in leaf:
        return kernel_category(stack)
    if "libssl" in leaf or "libcrypto" in leaf:
        return "TLS records: OpenSSL"
    if "pgbouncer" in leaf:
        return "PgBouncer"
    if "libevent" in leaf:
        return "libevent"
    return "libc" if "libc" in leaf else "other"


# The owners of a native executable's code, by the package of the class its leaf symbol belongs to.
NATIVE_OWNERS = (("TLS records: JDK engine", ("sun.security.", "com.sun.crypto.", "javax.crypto.", "java.security.")),
                 (TLS_GLUE, ("io.netty.handler.ssl.", "javax.net.ssl.")),
                 ("Portcullis", ("io.portcullis.",)),
                 # As in JAVA_OWNERS: Micrometer's counters are LongAdders.
                 ("Micrometer", ("io.micrometer.", "java.util.concurrent.atomic.LongAdder",
                                 "java.util.concurrent.atomic.Striped64", "java.util.IdentityHashMap")),
                 ("Vert.x", ("io.vertx.",)),
                 (NETTY, ("io.netty.", "sun.nio.", "java.nio.")),
                 ("GC", ("com.oracle.svm.core.genscavenge.", "com.oracle.svm.core.gc.", "com.oracle.svm.core.heap.")),
                 ("native-image runtime (SVM: threads, locks, ...)", ("com.oracle.svm.", "org.graalvm.", "jdk.graal.")))
# Without GRAALVM_HOME's jars the SVM classes are unknown: the GC's by their names.
NATIVE_GC_NAMES = re.compile(r"RememberedSet|GreyToBlack|GreyObjects|GCImpl|CardTable|HeapChunk|ObjectHeaderImpl|"
                             r"Generation|ReferenceObjectProcessing|ChunksAccounting|Space_")
# The compiler's intrinsics, which the JDK engine's AES-GCM records call: stubs of SubstrateVM's own, named alike.
NATIVE_CRYPTO_STUBS = re.compile(r"SVMIntrinsicStubsGen_(aes|ghash|ctrAES|counterMode|galois|sha|md5|chacha|poly)",
                                 re.I)
NATIVE_LAMBDA = re.compile(r"\$\$L[0-9a-f]+")
NATIVE_HASH = re.compile(r"_[0-9A-Za-z]{16,}$")


def native_class_index():
    """Simple class name as native-image symbols spell it (`ReentrantLock$NonfairSync`) -> the packages that
    have such a class, from the jars of the JVM build (the same application and libraries), the JDK's modules
    (jimage) and, with GRAALVM_HOME, the image builder's jars (SubstrateVM's own classes: GC, threads, locks).
    native-image's symbol table (without debug info) names methods `<SimpleClass>_<method>_<hash>`, not by
    package, so this index is what tells Netty's code from the JDK's."""
    import zipfile
    index = {}

    def add(entry):
        if entry.endswith(".class") and not entry.startswith("META-INF"):
            package, _, simple = entry[:-6].rpartition("/")
            index.setdefault(simple, set()).add(package.replace("/", ".") + ".")

    jars = list((ROOT / "target" / "quarkus-app").rglob("*.jar"))
    java_homes = {Path(shutil.which("java")).resolve().parents[1]} if shutil.which("java") else set()
    if os.environ.get("GRAALVM_HOME"):
        graal = Path(os.environ["GRAALVM_HOME"])
        jars += list((graal / "lib" / "svm").rglob("*.jar"))
        java_homes.add(graal)
    for jar in jars:
        try:
            with zipfile.ZipFile(jar) as z:
                for name in z.namelist():
                    add(name)
        except (OSError, zipfile.BadZipFile):
            pass
    for home in java_homes:
        if (home / "bin" / "jimage").exists() and (home / "lib" / "modules").exists():
            listing = subprocess.run([str(home / "bin" / "jimage"), "list", str(home / "lib" / "modules")],
                                     capture_output=True, text=True, timeout=120).stdout
            for line in listing.splitlines():
                add(line.strip())
    return index


def native_categoriser():
    """categorise(leaf, stack) for perf samples of the native executable, by the leaf frame: perf's user-space
    call chains through native-image code (no frame pointers) are unreliable, the leaf symbol is not. Kernel
    samples go by their (complete) kernel call chain, as PgBouncer's do."""
    index = native_class_index()
    # native-image cuts long class names from the front (`ractEpollStreamChannel$EpollStreamUnsafe_epollInReady_…`
    # for AbstractEpollStreamChannel): such a name is looked up as the end of a known one, in the reversed names.
    reversed_names = sorted(name[::-1] for name in index)

    def packages_of(simple):
        if simple in index:
            return index[simple]
        if len(simple) < 12:
            return None
        key, found = simple[::-1], set()
        at = bisect.bisect_left(reversed_names, key)
        while at < len(reversed_names) and reversed_names[at].startswith(key) and len(found) < 50:
            found |= index[reversed_names[at][::-1]]
            at += 1
        return found or None

    def owner_of(symbol):
        # A lambda's class (`InboundBytes$$L65557fec_handle_…`) belongs to the class that wrote it.
        name = NATIVE_LAMBDA.sub("", NATIVE_HASH.sub("", symbol))
        # The class is the longest prefix before an underscore that names a known class.
        cuts = [i for i, c in enumerate(name) if c == "_"] + [len(name)]
        for cut in reversed(cuts):
            packages = packages_of(name[:cut])
            if packages:
                owners = [next((o for o, prefixes in NATIVE_OWNERS if (p + name[:cut]).startswith(prefixes)),
                               "other") for p in packages]
                # A simple name in several packages: the first owner in NATIVE_OWNERS' order among them.
                return next((o for o, _ in NATIVE_OWNERS if o in owners), "other")
        return "GC" if NATIVE_GC_NAMES.search(name) else "other"

    cache = {}

    def categorise(leaf, stack):
        if "kernel.kallsyms" in leaf:
            return kernel_category(stack)
        if "libssl" in leaf or "libcrypto" in leaf:
            return "TLS records: OpenSSL"
        if "netty_transport_native" in leaf:  # Netty's epoll JNI library, unpacked from the executable to /tmp
            return NETTY
        if "libc" in leaf:
            return "libc"
        symbol = re.sub(r"^[0-9a-f]+\s+", "", leaf).rsplit(" (", 1)[0]
        if NATIVE_CRYPTO_STUBS.match(symbol):
            return "TLS records: JDK engine"
        qualified = re.match(r"[a-z][\w]*(?:\.[\w$]+)+", symbol)  # io.netty.channel.nio.NioEventLoop::run, if so
        if qualified:
            return next((o for o, prefixes in NATIVE_OWNERS if qualified.group(0).startswith(prefixes)), "other")
        if symbol not in cache:
            cache[symbol] = owner_of(symbol)
        return cache[symbol]

    return categorise


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
    flame = out_dir / f"{portcullis.name}-{mode}-{clients}c.html"
    collapsed = out_dir / f"{portcullis.name}-{mode}-{clients}c.collapsed"
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
            "interval": f"async-profiler, CPU every {PROFILE_INTERVAL}", "run": row, **summary}


def profile_perf(server, target, script_path, mode, clients, seconds, out_dir, categorise):
    """One extra run against `server` (PgBouncer or the native executable), sampled with Linux perf (when
    installed) at 999 Hz with call chains, each sample put in a category by categorise(leaf, stack), so the
    proxies' CPU per transaction can be split side by side: kernel, TLS, and their own user-space work."""
    if shutil.which("perf") is None:
        log(f"perf not installed (Debian: linux-perf): no {server.name} profile")
        return None
    data = out_dir / f"{server.name}-{mode}-{clients}c.perf"
    recorder = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(server.pid), "-o", str(data)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)  # perf attaches
    row = pgbench(target, script_path, mode, clients, seconds)
    recorder.send_signal(signal.SIGINT)
    _, errors = recorder.communicate(timeout=60)
    summary = summarise_perf(data, categorise) if data.exists() else None
    if not summary:
        log(f"perf recorded no samples of {server.name}: {errors.strip()[-300:]}")
        return None
    shown = str(data.relative_to(ROOT)) if data.is_relative_to(ROOT) else str(data)
    return {"cell": f"select1 {mode} c={clients}", "run": row, "interval": "perf, 999 Hz", "data": shown, **summary}


def summarise_perf(data, categorise):
    """Samples of a perf.data file by categorise(leaf, stack), and the hottest leaf frames; None without samples."""
    printed = subprocess.run(["perf", "script", "-i", str(data), "-F", "ip,sym,dso"], capture_output=True,
                             text=True, timeout=600).stdout
    totals, self_counts, samples = {}, {}, 0
    for block in printed.strip().split("\n\n"):
        frames = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not frames:
            continue
        samples += 1
        leaf, stack = frames[0], " ".join(frames)
        category = categorise(leaf, stack)
        totals[category] = totals.get(category, 0) + 1
        symbol = re.sub(r"^[0-9a-f]+\s+", "", leaf)
        self_counts[symbol] = self_counts.get(symbol, 0) + 1
    if not samples:
        return None
    return {"samples": samples, "categories": shares(totals, samples, 20), "top_self": shares(self_counts, samples, 25)}


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


def build_table(rows, proxies):
    """One entry per cell: each target's medians, and each Portcullis build's ratio to PgBouncer (of the medians,
    with the range of the per-round ratios) and to direct."""
    by_cell = {}
    for row in rows:
        key = (row["script"], row["mode"], row["clients"], row["connect_each"])
        by_cell.setdefault(key, {}).setdefault(row["target"], []).append(row)
    table = []
    for (script, mode, clients, connect_each), runs in by_cell.items():
        cell = {target: summarise(target_runs) for target, target_runs in runs.items()}
        pick = lambda key: {target: summary.get(key) for target, summary in cell.items()}
        tps = pick("tps")
        entry = {"script": script, "mode": mode, "clients": clients, "connect_each": connect_each,
                 "rounds": max(len(r) for r in runs.values()), "tps": tps, "latency_ms": pick("latency_ms"),
                 "cpu_cores": {t: v for t, v in pick("proxy_cpu_cores").items() if t != "direct"},
                 "cpu_us_per_txn": {t: v for t, v in pick("cpu_us_per_txn").items() if t != "direct"},
                 "peak_rss_mib": {t: v for t, v in pick("proxy_peak_rss_mib").items() if t != "direct"},
                 "vs_pgbouncer": {}, "vs_pgbouncer_range": {}, "vs_direct": {}}
        pgbouncer_by_round = {r["round"]: r.get("tps") for r in runs.get("pgbouncer", [])}
        for proxy in proxies:
            entry["vs_pgbouncer"][proxy] = ratio(tps.get(proxy), tps.get("pgbouncer"))
            entry["vs_direct"][proxy] = ratio(tps.get(proxy), tps.get("direct"))
            per_round = [ratio(r.get("tps"), pgbouncer_by_round.get(r["round"])) for r in runs.get(proxy, [])]
            per_round = [x for x in per_round if x is not None]
            entry["vs_pgbouncer_range"][proxy] = [min(per_round), max(per_round)] if per_round else None
        entry["errors"] = {t: r["error"] for t, r in cell.items() if "error" in r} or None
        entry["server_errors"] = {t: r["server_errors"] for t, r in cell.items() if "server_errors" in r} or None
        table.append(entry)
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
    return f" [{bounds[0]:.2f}–{bounds[1]:.2f}]"


def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def cell_name(row):
    return f"{row['script']} {row['mode']}{' -C' if row['connect_each'] else ''} c={row['clients']}"


def markdown(result):
    env, table, proxies = result["environment"], result["table"], result["proxies"]
    targets = ["direct", "pgbouncer", *proxies]
    metered = ["pgbouncer", *proxies]
    slash = lambda keys: " / ".join(SHORT[k] for k in keys)
    joined = lambda values, keys, digits: " / ".join(fmt(values.get(k), digits) for k in keys)
    lines = [f"# Portcullis benchmark {result['started']} ({result['profile']})", "",
             f"- commit `{env['git']}`; machine: {env['nproc']} × {env['cpu_model']}, {env['memory_gib']} GiB, "
             f"{env['kernel']}",
             f"- {env['java']}; QuestDB {env['questdb']}; {env['pgbouncer']}; {env['pgbench']}",
             f"- Portcullis JVM: the fast-jar, JVM options `{' '.join(env['portcullis_java_options']) or '(defaults)'}`"]
    if "native" in proxies:
        native = env["native"]
        lines.append(f"- Portcullis native: `{native['path']}` ({native['size_mib']} MiB, built {native['modified']}"
                     + ("; **older than src/main or pom.xml: it may not be this commit**" if native["stale"] else "")
                     + ")")
    else:
        lines.append("- Portcullis native: not run (`--no-native`)")
    lines += [
        f"- every cell {result['settings']['rounds']} round(s), each running the {len(targets)} targets back to back "
        f"(each round starting with another target); TPS, latency and CPU are medians over the rounds, /PgB is the "
        f"ratio of the medians with the range of the per-round ratios in brackets (with more than one round)",
        f"- each run {result['settings']['duration']} s (+{SETUP_ALLOWANCE_SECONDS[16]} s at 16 clients, "
        f"+{SETUP_ALLOWANCE_SECONDS[64]} s at 64 for logging in) after a {result['settings']['warmup']} s warm-up per "
        f"target (the JVM build then until its JIT compilers are quiet), and before the -C cells as long again with "
        f"pgbench -C {CONNECT_WARMUP_CLIENTS} clients (the JVM build until its JIT is quiet); pgbench -n -j {PGBENCH_THREADS}; pool size "
        f"{POOL_SIZE} (session) in both proxies; direct = QuestDB without TLS, proxies with sslmode=require; client "
        f"SCRAM-SHA-256 against a stored verifier in both proxies",
        "- scripts: `select1` = `SELECT 1;`; `trades` = `SELECT ts, sym, price, qty FROM trades WHERE price > :p "
        f"LIMIT 10` ({TRADES_ROWS:,} rows); `-C` = a new TLS connection and SCRAM login per transaction",
        f"- chart: `{result.get('chart', '—')}`", "",
        "TPS:", "",
        "| script | mode | clients | " + " | ".join(f"{LABELS[t]}" for t in targets) + " | "
        + " | ".join(f"{SHORT[p]}/PgB" for p in proxies) + " | " + " | ".join(f"{SHORT[p]}/direct" for p in proxies) + " |",
        "|---|---|---:|" + "---:|" * (len(targets) + 2 * len(proxies))]
    for row in table:
        lines.append(
            f"| {row['script']} | {row['mode']}{' -C' if row['connect_each'] else ''} | {row['clients']} | "
            + " | ".join(f"{fmt(row['tps'].get(t))}{mark(row, t)}" for t in targets) + " | "
            + " | ".join(f"{fmt(row['vs_pgbouncer'].get(p), 2)}{spread(row['vs_pgbouncer_range'].get(p))}"
                         for p in proxies) + " | "
            + " | ".join(fmt(row["vs_direct"].get(p), 2) for p in proxies) + " |")
    lines += ["", "Latency, and what each proxy used (CPU cores = CPU seconds / wall seconds of the run; CPU µs/txn = "
              "cores / TPS; peak RSS during the run):", "",
              f"| script | mode | clients | latency ms {slash(targets)} | CPU cores {slash(metered)} "
              f"| CPU µs/txn {slash(metered)} | peak RSS MiB {slash(metered)} |",
              "|---|---|---:|---|---|---|---|"]
    for row in table:
        lines.append(f"| {row['script']} | {row['mode']}{' -C' if row['connect_each'] else ''} | {row['clients']} "
                     f"| {joined(row['latency_ms'], targets, 3)} | {joined(row['cpu_cores'], metered, 2)} "
                     f"| {joined(row['cpu_us_per_txn'], metered, 1)} | {joined(row['peak_rss_mib'], metered, 1)} |")
    flagged = [r for r in table if r["server_errors"]]
    if flagged:
        lines += ["", "† pgbench reported server errors in these runs and counted the transactions anyway, so "
                  "the TPS may not be for the script (with `-M prepared`, a refused Parse leaves pgbench executing "
                  "the statement of that name the server connection already had):"]
        lines += [f"- {cell_name(r)}, {target}: {'; '.join(messages)}"
                  for r in flagged for target, messages in r["server_errors"].items()]
    errors = [r for r in table if r["errors"]]
    if errors:
        lines += ["", "Failed runs:"]
        lines += [f"- {cell_name(r)}: {r['errors']}" for r in errors]
    load = result["load_average"]
    busy = max(load["start"][0], load["end"][0]) > env["nproc"]
    lines += ["", f"Load average (1/5/15 min) at start {load['start']}, at end {load['end']}"
              + (" — **the machine was busy with other work: absolute numbers are depressed and noisy; compare "
                 "ratios only, and rerun on a quiet machine**" if busy else "") + "."]
    lines += start_lines(result)
    mem = result["memory"]
    lines += ["", "Memory and CPU over the whole benchmark:", ""]
    for key in metered:
        m = mem[key]
        lines.append(f"- {LABELS[key]}: RSS {fmt(m.get('rss_start_mib'), 1)} MiB when the runs began, peak "
                     f"{fmt(m.get('peak_rss_mib'), 1)} MiB during them, {fmt(m.get('rss_after_mib'), 1)} MiB after "
                     f"them; CPU {fmt(m.get('cpu_seconds'), 1)} s")
    for key, idle in result["idle_clients"].items():
        name = LABELS[key]
        if "error" in idle:
            lines.append(f"- {name}, idle TLS clients: {idle['error']}")
            continue
        gc_note = {True: " (after a full GC both times)",
                   False: " (no GC before the readings: a native executable has no jcmd, so they include garbage)"
                   }.get(idle.get("gc"), "")
        lines.append(f"- {name}, {idle['clients']:,} idle TLS clients (SSLRequest + handshake, pre-login; "
                     f"{idle['still_open']:,} still open at measurement): RSS {idle['rss_before_mib']} → "
                     f"{idle['rss_after_mib']} MiB = {idle['kib_per_client']} KiB per client{gc_note}")
    lines += profile_section(result)
    return "\n".join(lines) + "\n"


def start_lines(result):
    starts = result.get("starts") or {}
    if not starts:
        return []
    lines = ["", f"Start and footprint: each proxy started {START_REPEATS} times with an existing data dir "
             "(Portcullis; created by one start before) or configuration (PgBouncer), timed from exec to the first "
             f"answered SSLRequest; idle RSS {START_IDLE_SECONDS} s after that answer with no client "
             "(/proc/<pid>/status VmRSS); RSS after the runs = when the last pgbench cell ended:", "",
             "| proxy | start ms, median | start ms, min–max | idle RSS MiB, median | RSS MiB after the runs |",
             "|---|---:|---:|---:|---:|"]
    for key, st in starts.items():
        if "error" in st:
            lines.append(f"| {LABELS[key]} | {st['error']} | | | |")
            continue
        low, high = st["start_range_seconds"]
        lines.append(f"| {LABELS[key]} | {st['start_median_seconds'] * 1000:,.0f} | {low * 1000:,.0f}–{high * 1000:,.0f} "
                     f"| {fmt(st['idle_rss_median_mib'], 1)} "
                     f"| {fmt(result['memory'].get(key, {}).get('rss_after_mib'), 1)} |")
    return lines


def profile_section(result):
    profiles = {k: v for k, v in (result.get("profiles") or {}).items() if v}
    if not profiles:
        return []
    keys = [k for k in ("pgbouncer", "jvm", "native") if k in profiles]
    per_txn = {k: cpu_per_transaction(profiles[k].get("run") or {}) for k in keys}
    percent = {k: {c["name"]: c["percent"] for c in profiles[k]["categories"]} for k in keys}
    names = [c for c in CATEGORY_ORDER if any(c in percent[k] for k in keys)]
    names += sorted({c for k in keys for c in percent[k]} - set(names))
    lines = ["", f"Profiles during one extra run each of {profiles[keys[0]]['cell']} (not in the tables): CPU µs per "
             "transaction by what was running (share of the samples × the run's CPU µs per transaction)", ""]
    lines += ["- " + "; ".join(f"{LABELS[k]}: {profiles[k]['interval']}, {profiles[k]['samples']:,} samples, "
                               f"{fmt(profiles[k]['run'].get('tps'))} TPS" for k in keys), ""]
    lines += ["| category | " + " | ".join(f"{LABELS[k]} µs/txn" for k in keys) + " |",
              "|---|" + "---:|" * len(keys)]
    for name in names:
        cells = []
        for k in keys:
            share = percent[k].get(name)
            cells.append("—" if share is None else (f"{per_txn[k] * share / 100:.1f} ({share:.0f}%)" if per_txn[k]
                                                    else f"{share:.0f}%"))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| **total** | " + " | ".join(f"**{fmt(per_txn[k], 1)}**" for k in keys) + " |")
    for k in keys:
        prof = profiles[k]
        where = prof.get("flame_graph") or prof.get("data")
        lines += ["", f"{LABELS[k]}: hottest frames by self time (`{where}`):", ""]
        lines += [f"- {p['percent']}% `{p['name']}`" for p in prof.get("top_self", [])[:12]]
    return lines


# ---------------------------------------------------------------- chart

CHART_COLOURS = {"pgbouncer": "#8c8c8c", "jvm": "#1f6fb4", "native": "#e8791a"}
RATIO_AXIS_MAX = 3.0


def svg_text(x, y, text, size=11, anchor="middle", weight="normal", rotate=None, fill="#222"):
    transform = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate is not None else ""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}"{transform}>{escaped}</text>')


def nice_step(span, ticks=6):
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def chart_svg(result):
    """Two panels, one group per cell: each Portcullis build's TPS / PgBouncer's (median over the rounds, the
    whisker spanning the per-round ratios, a line at 1.0), and the proxies' CPU µs per transaction (log scale)."""
    table, proxies, env = result["table"], result["proxies"], result["environment"]
    metered = ["pgbouncer", *proxies]
    left, right, group = 70, 20, max(40, 14 * len(metered) + 12)
    width = max(980, left + right + group * len(table))
    group = (width - left - right) / max(1, len(table))
    top, panel, label_band, gap = 64, 260, 120, 50
    height = top + panel + label_band + gap + panel + label_band + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           svg_text(width / 2, 22, f"Portcullis vs PgBouncer, TLS, pgbench — {result['started'][:10]}, commit "
                    f"{env['git']}, {env['nproc']} cores ({result['profile']}, {result['settings']['rounds']} "
                    f"round(s))", 15, weight="bold")]
    x_of = lambda i: left + group * i

    def legend(y, keys, parity_line=False):
        x = left
        for key in keys:
            out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{CHART_COLOURS[key]}"/>')
            out.append(svg_text(x + 16, y, LABELS[key], 11, anchor="start"))
            x += 24 + 7 * len(LABELS[key])
        if parity_line:
            out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 22}" y2="{y - 4}" stroke="#c0392b" stroke-width="1.5" '
                       f'stroke-dasharray="6 3"/>')
            out.append(svg_text(x + 28, y, "PgBouncer (= 1.0)", 11, anchor="start"))
            x += 150
        out.append(svg_text(width - right, y, "cells: script, pgbench -M mode, -C, clients", 11, anchor="end",
                            fill="#555"))

    def cell_labels(y0):
        for i, row in enumerate(table):
            x = x_of(i) + group / 2 + 4
            out.append(svg_text(x, y0 + 10, cell_name(row), 10, anchor="end", rotate=-50))

    # Panel 1: ratio to PgBouncer.
    y0, y1 = top, top + panel
    values = [v for row in table for p in proxies for v in [row["vs_pgbouncer"].get(p)] + list(
        row["vs_pgbouncer_range"].get(p) or []) if v is not None]
    # An outlier (a ratio of 10 when PgBouncer's single run collapsed) would flatten every other bar: the axis
    # stops at RATIO_AXIS_MAX, and a clipped bar or whisker carries its value at the top.
    vmax = min(max(values + [1.2]), RATIO_AXIS_MAX) * 1.08
    step = nice_step(vmax)
    y_of = lambda v: y1 - (v / vmax) * (y1 - y0)
    out.append(svg_text(left, y0 - 14, "TPS ÷ PgBouncer's TPS (bar: median over rounds; whisker: per-round min–max)",
                        12, anchor="start", weight="bold"))
    tick = 0.0
    while tick <= vmax:
        y = y_of(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e4e4e4"/>')
        out.append(svg_text(left - 6, y + 4, f"{tick:g}", 10, anchor="end"))
        tick = round(tick + step, 6)
    bar = (group - 12) / max(1, len(proxies))
    for i, row in enumerate(table):
        for j, proxy in enumerate(proxies):
            value = row["vs_pgbouncer"].get(proxy)
            if value is None:
                continue
            x = x_of(i) + 6 + j * bar
            shown = min(value, vmax)
            out.append(f'<rect x="{x:.1f}" y="{y_of(shown):.1f}" width="{bar - 2:.1f}" height="{y1 - y_of(shown):.1f}" '
                       f'fill="{CHART_COLOURS[proxy]}"><title>{LABELS[proxy]} {cell_name(row)}: {value:.2f}</title></rect>')
            bounds = row["vs_pgbouncer_range"].get(proxy)
            if value > vmax or (bounds and bounds[1] > vmax):
                out.append(svg_text(x + (bar - 2) / 2, y0 - 2 - 11 * j, f"↑{max(value, *(bounds or [0])):.1f}", 9,
                                    fill=CHART_COLOURS[proxy], weight="bold"))
            bounds = bounds and [min(b, vmax) for b in bounds]
            if bounds and bounds[0] != bounds[1]:
                cx = x + (bar - 2) / 2
                out.append(f'<line x1="{cx:.1f}" y1="{y_of(bounds[0]):.1f}" x2="{cx:.1f}" y2="{y_of(bounds[1]):.1f}" '
                           f'stroke="#111" stroke-width="1.2"/>')
                for b in bounds:
                    out.append(f'<line x1="{cx - 3:.1f}" y1="{y_of(b):.1f}" x2="{cx + 3:.1f}" y2="{y_of(b):.1f}" '
                               f'stroke="#111" stroke-width="1.2"/>')
    out.append(f'<line x1="{left}" y1="{y_of(1):.1f}" x2="{width - right}" y2="{y_of(1):.1f}" stroke="#c0392b" '
               f'stroke-width="1.5" stroke-dasharray="6 3"/>')
    out.append(f'<line x1="{left}" y1="{y0}" x2="{left}" y2="{y1}" stroke="#444"/>')
    out.append(f'<line x1="{left}" y1="{y1}" x2="{width - right}" y2="{y1}" stroke="#444"/>')
    out.append(svg_text(18, (y0 + y1) / 2, "TPS ratio to PgBouncer", 11, rotate=-90))
    cell_labels(y1)
    legend(y1 + label_band - 4, proxies, parity_line=True)

    # Panel 2: CPU µs per transaction, log scale.
    y0 = y1 + label_band + gap
    y1 = y0 + panel
    cpu = [v for row in table for k in metered for v in [row["cpu_us_per_txn"].get(k)] if v]
    if cpu:
        # The floor: the 1-2-5 step at or below half the smallest value, so the shortest bar still shows.
        floor = min(cpu) / 2
        decade_floor = 10 ** math.floor(math.log10(floor))
        low = max(m * decade_floor for m in (1, 2, 5) if m * decade_floor <= floor)
        high = 10 ** math.ceil(math.log10(max(cpu)))
        if high <= low:
            high = low * 10
        y_of = lambda v: y1 - (math.log10(v) - math.log10(low)) / (math.log10(high) - math.log10(low)) * (y1 - y0)
        out.append(svg_text(left, y0 - 14, "CPU µs per transaction used by the proxy (median over rounds; log scale)",
                            12, anchor="start", weight="bold"))
        decade = decade_floor
        while decade <= high * 1.001:
            for m in (1, 2, 5):
                v = decade * m
                if v < low * 0.999:
                    continue
                if v > high * 1.001:
                    break
                out.append(f'<line x1="{left}" y1="{y_of(v):.1f}" x2="{width - right}" y2="{y_of(v):.1f}" '
                           f'stroke="{"#d0d0d0" if m == 1 else "#eeeeee"}"/>')
                out.append(svg_text(left - 6, y_of(v) + 4, f"{v:g}", 10, anchor="end"))
            decade *= 10
        bar = (group - 12) / len(metered)
        for i, row in enumerate(table):
            for j, key in enumerate(metered):
                value = row["cpu_us_per_txn"].get(key)
                if not value:
                    continue
                x = x_of(i) + 6 + j * bar
                out.append(f'<rect x="{x:.1f}" y="{y_of(value):.1f}" width="{bar - 1.5:.1f}" '
                           f'height="{y1 - y_of(value):.1f}" fill="{CHART_COLOURS[key]}"><title>{LABELS[key]} '
                           f'{cell_name(row)}: {value:.1f} µs</title></rect>')
        out.append(f'<line x1="{left}" y1="{y0}" x2="{left}" y2="{y1}" stroke="#444"/>')
        out.append(f'<line x1="{left}" y1="{y1}" x2="{width - right}" y2="{y1}" stroke="#444"/>')
        out.append(svg_text(18, (y0 + y1) / 2, "CPU µs / transaction", 11, rotate=-90))
        cell_labels(y1)
        legend(y1 + label_band - 4, metered)
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main

def native_executable(args):
    """The native executable to run, or None with --no-native; stops with how to get one when it is missing."""
    if args.no_native:
        return None
    path = Path(args.native) if args.native else DEFAULT_NATIVE
    if not path.is_file() or not os.access(path, os.X_OK):
        sys.exit(f"no native executable at {path}: build it (src/bench/run.sh does when GRAALVM_HOME is set: "
                 "./mvnw -B package -Dnative -DskipTests; see ../shared/native-toolchain/README.md), pass "
                 "--native PATH, or run without it with --no-native")
    # An executable of ../shared/native-toolchain links the JDK's shared libraries from GRAALVM_HOME (or a
    # lib/ beside it): say so now rather than after QuestDB and the JVM build have started.
    linked = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
    missing = [line.split()[0] for line in linked.splitlines() if "not found" in line]
    if missing:
        sys.exit(f"{path} cannot start: {', '.join(missing)} not found (its RUNPATH: "
                 f"{first_line(['sh', '-c', f'readelf -d {path} | grep -i runpath'])}); put them in a lib/ beside it")
    return path.resolve()


def describe_native(path):
    stat = path.stat()
    newer = [p for p in (ROOT / "src" / "main", ROOT / "pom.xml") if p.exists()]
    stale = any(f.stat().st_mtime > stat.st_mtime for top in newer
                for f in ([top] if top.is_file() else top.rglob("*")) if f.is_file())
    shown = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    return {"path": shown, "size_mib": round(stat.st_size / 1024 / 1024, 1),
            "modified": datetime.datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M"), "stale": stale}


def main():
    # SIGTERM stops the servers too (the finally block runs), like Ctrl-C.
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description="Portcullis (JVM and native) vs PgBouncer vs direct QuestDB, with pgbench")
    parser.add_argument("--quick", action="store_true", help="fewer cells, short runs, 1,000 idle clients")
    parser.add_argument("--rounds", type=int, help="rounds per cell (full: 3, quick: 1)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile Portcullis JVM (async-profiler), Portcullis native and PgBouncer (perf) "
                             "in one extra select1 simple 64-client run each")
    parser.add_argument("--native", metavar="PATH", help=f"the native executable (default {DEFAULT_NATIVE.relative_to(ROOT)})")
    parser.add_argument("--no-native", action="store_true", help="run without the native executable")
    args = parser.parse_args()
    profile = "quick" if args.quick else "full"
    settings = dict(PROFILES[profile])
    if args.rounds:
        settings["rounds"] = max(1, args.rounds)
    java_options = os.environ.get("BENCH_PORTCULLIS_JAVA_OPTS", "").split()

    require_tools(("pgbench", "psql", "openssl", "java", "jcmd"), "src/bench/run.sh")
    native_path = native_executable(args)
    proxies = ["jvm"] + (["native"] if native_path else [])

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
    if native_path:
        env["native"] = describe_native(native_path)
        if env["native"]["stale"]:
            log(f"warning: {native_path} is older than src/main or pom.xml: it may not be this commit")
    log(f"benchmark ({profile}) in {work}; commit {env['git']}; targets direct, pgbouncer, {', '.join(proxies)}")

    questdb = QuestDb(work, QUESTDB_CONNECTION_LIMIT)
    servers = [questdb]
    proxy_servers = {}
    starts = {}
    try:
        log("starting QuestDB")
        questdb.start()
        questdb.create_trades()
        for key in proxies:
            command = jvm_command(java_options) if key == "jvm" else native_command(native_path)
            server = new_portcullis(work, key, command)
            servers.append(server)
            proxy_servers[key] = server
            log(f"starting Portcullis {key} (creates its data dir, database and user), then "
                f"{START_REPEATS} timed starts with that data dir")
            server.start()
            configure_portcullis(server, questdb.port)
            server.stop()
            starts[key] = time_starts(server, START_REPEATS)
            server.start()
            await_login(server, server.port, BENCH_USER, BENCH_PASSWORD, "require")
        log(f"PgBouncer: {START_REPEATS} timed starts, then the one measured")
        pgbouncer = PgBouncer(work, questdb.port)
        servers.append(pgbouncer)
        pgbouncer.configure()
        starts["pgbouncer"] = time_starts(pgbouncer, START_REPEATS)
        pgbouncer.start()
        metered = {"pgbouncer": pgbouncer, **proxy_servers}
        rss_start = {k: rss_kib(s.pid) for k, s in metered.items()}
        cpu_start = {k: cpu_seconds(s.pid) for k, s in metered.items()}

        targets = [
            Target("direct", LABELS["direct"], questdb, questdb.port, QDB_USER, QDB_PASSWORD, "disable", False),
            Target("pgbouncer", LABELS["pgbouncer"], pgbouncer, pgbouncer.port, BENCH_USER, BENCH_PASSWORD,
                   "require", True),
        ] + [Target(k, LABELS[k], s, s.port, BENCH_USER, BENCH_PASSWORD, "require", True)
             for k, s in proxy_servers.items()]
        by_key = {t.key: t for t in targets}
        for target in targets:
            log(f"warming up {target.key} ({settings['warmup']} s)")
            warm_up(target, scripts, settings["warmup"])
        # Only the JVM build compiles as it goes; the native executable was compiled ahead of time.
        warm_until_compiled(proxy_servers["jvm"], by_key["jvm"], scripts)

        rows = []
        cells = [(script, mode, clients, False) for script in SCRIPTS
                 for mode in (MODES if script == "select1" else settings["trades_modes"]) for clients in CLIENT_COUNTS]
        cells += [("select1", "simple", clients, True) for clients in (1, 16)]
        turn = 0
        connects_warm = False
        for script, mode, clients, connect_each in cells:
            if connect_each and not connects_warm:
                connects_warm = True
                for target in targets:
                    log(f"warming up {target.key}'s connect path ({settings['warmup']} s of pgbench -C)")
                    warm_up_connects(target, scripts, settings["warmup"])
                warm_until_compiled(proxy_servers["jvm"], by_key["jvm"], scripts, warm_up_connects)
            log(f"{script} {mode} c={clients}{' -C' if connect_each else ''}")
            for round_number in range(settings["rounds"]):
                # Each round starts with the next target (counting on across cells), so no target always runs
                # first (or last), whatever the number of rounds.
                shift = turn % len(targets)
                turn += 1
                for target in targets[shift:] + targets[:shift]:
                    for s in servers:
                        s.check_alive()
                    seconds = settings["duration"] + (0 if connect_each else SETUP_ALLOWANCE_SECONDS[clients])
                    row = pgbench(target, scripts[script], mode, clients, seconds, connect_each)
                    row["script"] = script
                    row["round"] = round_number
                    rows.append(row)

        memory = {k: {"rss_start_mib": round(rss_start[k] / 1024, 1),
                      "peak_rss_mib": max((r.get("proxy_peak_rss_mib") or 0) for r in rows if r["target"] == k),
                      "rss_after_mib": round(rss_kib(s.pid) / 1024, 1),
                      "cpu_seconds": round(cpu_seconds(s.pid) - cpu_start[k], 1)}
                  for k, s in metered.items()}

        profiles = {}
        if args.profile:
            log("profiles (select1 simple c=64): Portcullis JVM with async-profiler, PgBouncer and Portcullis "
                "native with perf")
            profile_seconds = max(settings["duration"], 10)
            profiles["jvm"] = profile_portcullis(proxy_servers["jvm"], by_key["jvm"], scripts["select1"], "simple",
                                                 64, profile_seconds, work)
            profiles["pgbouncer"] = profile_perf(pgbouncer, by_key["pgbouncer"], scripts["select1"], "simple", 64,
                                                 profile_seconds, work, pgbouncer_category)
            if "native" in proxy_servers:
                profiles["native"] = profile_perf(proxy_servers["native"], by_key["native"], scripts["select1"],
                                                  "simple", 64, profile_seconds, work, native_categoriser())

        idle = {}
        idle_count = settings["idle_clients"]
        for key, server in [*proxy_servers.items(), ("pgbouncer", pgbouncer)]:
            log(f"{idle_count} idle TLS clients on {key}")
            gc_ran = []
            before = (lambda s=server: gc_ran.append(s.gc())) if key in proxy_servers else None
            idle[key] = idle_tls_clients(server, server.port, idle_count, before)
            if gc_ran:
                idle[key]["gc"] = all(gc_ran)
            log(f"  {idle[key]}")
    finally:
        for server in reversed(servers):
            try:
                server.stop()
            except Exception as e:  # keep stopping the others
                log(f"stopping {server.name}: {e}")

    sha = env["git"]
    base = BENCH_DIR / f"results-{stamp}-{sha}"
    shown = lambda path: str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    result = {"started": started.isoformat(timespec="seconds"), "profile": profile, "settings": settings,
              "environment": env, "proxies": proxies, "table": build_table(rows, proxies), "runs": rows,
              "starts": starts, "memory": memory, "idle_clients": idle, "profiles": profiles,
              "chart": shown(base.with_suffix(".svg")),
              "load_average": {"start": load_start, "end": [round(x, 1) for x in os.getloadavg()]},
              "elapsed_seconds": round((datetime.datetime.now() - started).total_seconds())}
    base.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    base.with_suffix(".svg").write_text(chart_svg(result))
    text = markdown(result)
    base.with_suffix(".md").write_text(text)
    print(text)
    log(f"results: {base}.md, .json and .svg (logs in {work})")


if __name__ == "__main__":
    main()
