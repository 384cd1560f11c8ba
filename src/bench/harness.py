"""Shared pieces of the benchmark (src/bench/bench.py) and the soak (src/soak/soak.py): the servers they
start on loopback free ports -- QuestDB, Portcullis, a throw-away PostgreSQL -- and readings of a running
process (CPU, RSS, open files). Standard library only.

Both drivers import this module; nothing here knows about either driver's workload.
"""

import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORTCULLIS_JAR = ROOT / "target" / "quarkus-app" / "quarkus-run.jar"
QUESTDB_JAR = ROOT / "target" / "backends" / "questdb.jar"

HOST = "127.0.0.1"
QDB_DATABASE = "qdb"
QDB_USER, QDB_PASSWORD = "admin", "quest"
STARTUP_TIMEOUT_SECONDS = 120
RSS_SAMPLE_SECONDS = 0.25
TRADES_ROWS = 100_000


def log(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def first_line(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def tail(path, lines=20):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_on_sigterm():
    """SIGTERM stops the servers too (the drivers' finally blocks run), like Ctrl-C."""
    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupted)


def require_tools(tools, hint):
    for path in (PORTCULLIS_JAR, QUESTDB_JAR):
        if not path.is_file():
            sys.exit(f"missing {path}: run ./mvnw -B -q package -DskipTests ({hint} does)")
    for tool in tools:
        if not shutil.which(tool):
            sys.exit(f"missing {tool} on PATH ({hint} installs postgresql-client)")


# ---------------------------------------------------------------- process metrics

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU time of a process (all threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def jit_cpu_seconds(pid):
    """CPU time of a JVM's JIT compiler threads: while it grows, the JVM is still warming up."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if task.joinpath("comm").read_text().startswith(("C1 Compiler", "C2 Compiler")):
                fields = task.joinpath("stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except OSError:
            pass
    return total


def status_kib(pid, field):
    """A kB field of /proc/<pid>/status (VmRSS, VmHWM, ...)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def rss_kib(pid):
    return status_kib(pid, "VmRSS")


def thread_count(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def open_fds(pid):
    """Open file descriptors of a process, sockets among them."""
    total = sockets = 0
    for fd in os.scandir(f"/proc/{pid}/fd"):
        total += 1
        try:
            if os.readlink(fd.path).startswith("socket:"):
                sockets += 1
        except OSError:
            pass
    return total, sockets


class RssSampler:
    """Highest RSS of some processes while a block runs."""

    def __init__(self, pids):
        self.pids = pids
        self.peak = {pid: 0 for pid in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self._stop.is_set():
            for pid in self.pids:
                try:
                    self.peak[pid] = max(self.peak[pid], rss_kib(pid))
                except OSError:
                    pass
            self._stop.wait(RSS_SAMPLE_SECONDS)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# ---------------------------------------------------------------- servers

class Server:
    name = "server"

    def __init__(self, work):
        self.work = work
        self.process = None
        self.log_path = work / f"{self.name}.log"

    @property
    def pid(self):
        return self.process.pid

    def spawn(self, command, env=None, cwd=None):
        log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=env, cwd=cwd, start_new_session=True)
        log_file.close()

    def check_alive(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}:\n"
                               + tail(self.log_path))

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(15)


def psql(port, user, password, sql, sslmode="disable", database=QDB_DATABASE, timeout=30):
    env = dict(os.environ, PGPASSWORD=password, PGSSLMODE=sslmode, PGCONNECT_TIMEOUT="5")
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", str(port),
                           "-U", user, "-d", database, "-c", sql],
                          capture_output=True, text=True, env=env, timeout=timeout)


def await_login(server, port, user, password, sslmode, database=QDB_DATABASE):
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    last = None
    while time.monotonic() < deadline:
        server.check_alive()
        last = psql(port, user, password, "SELECT 1", sslmode, database)
        if last.returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError(f"{server.name} did not accept a login on port {port} within {STARTUP_TIMEOUT_SECONDS}s: "
                       f"{last.stderr.strip() if last else ''}\n{tail(server.log_path)}")


class QuestDb(Server):
    """QuestDB as its own process, configured like src/test/java/io/portcullis/testing/QuestDbServer.java
    except for the connection limit (QuestDB's default is 64) and the worker counts (QuestDB's defaults for
    this machine)."""
    name = "questdb"

    def __init__(self, work, connection_limit):
        super().__init__(work)
        self.connection_limit = connection_limit

    def start(self):
        self.port = free_port()
        root = self.work / "questdb"
        (root / "conf").mkdir(parents=True)
        settings = {
            "pg.net.bind.to": f"{HOST}:{self.port}",
            "http.net.bind.to": f"{HOST}:{free_port()}",
            "http.min.net.bind.to": f"{HOST}:{free_port()}",
            "line.tcp.net.bind.to": f"{HOST}:{free_port()}",
            "line.udp.enabled": "false",
            "telemetry.enabled": "false",
            "cairo.wal.enabled.default": "false",
            "pg.net.connection.limit": self.connection_limit,
            "pg.net.active.connection.limit": self.connection_limit,
            "pg.connection.pool.capacity": self.connection_limit,
        }
        (root / "conf" / "server.conf").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
        (root / "conf" / "log.conf").write_text("writers=stdout\nw.stdout.class=io.questdb.log.LogConsoleWriter\n"
                                                "w.stdout.level=ADVISORY,ERROR,CRITICAL\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("QDB_")}
        self.spawn(["java", "-Xmx1g", "-p", str(QUESTDB_JAR), "-m", "io.questdb/io.questdb.ServerMain",
                    "-d", str(root)], env=env, cwd=root)
        await_login(self, self.port, QDB_USER, QDB_PASSWORD, "disable")

    def execute(self, sql):
        result = psql(self.port, QDB_USER, QDB_PASSWORD, sql)
        if result.returncode != 0:
            raise RuntimeError(f"QuestDB refused {sql!r}: {result.stderr.strip()}")
        return result.stdout.strip()

    def create_trades(self):
        """`trades`: TRADES_ROWS rows of (ts, sym, price 0-1000, qty) for the scripts' range queries."""
        self.execute("DROP TABLE IF EXISTS trades")
        self.execute("CREATE TABLE trades (ts TIMESTAMP, sym SYMBOL, price DOUBLE, qty LONG) TIMESTAMP(ts) "
                     "PARTITION BY DAY")
        self.execute("INSERT INTO trades SELECT timestamp_sequence('2024-01-01', 1000000L), "
                     "rnd_symbol('AAPL','MSFT','GOOG','AMZN','NVDA'), rnd_double() * 1000, rnd_long(1, 1000, 0) "
                     f"FROM long_sequence({TRADES_ROWS})")
        count = self.execute("SELECT count() FROM trades")
        if count != str(TRADES_ROWS):
            raise RuntimeError(f"trades holds {count} rows, expected {TRADES_ROWS}")


def jvm_command(java_options=()):
    """How to run the packaged jar: the -D system properties go between the two lists."""
    return ["java", *java_options], ["-jar", str(PORTCULLIS_JAR)]


def native_young_generation():
    """The young generation the native build bakes in (pom.xml's -R:MaxNewSize), or None. A toolchain that drops
    -R: options (the stand-in of ../shared does, with a warning) would otherwise leave GraalVM's default."""
    found = re.search(r"<quarkus\.native\.additional-build-args>[^<]*-R:MaxNewSize=(\w+)",
                      (ROOT / "pom.xml").read_text())
    return found.group(1) if found else None


def native_command(executable):
    """How to run the native executable, which takes the same -Dname=value system properties as the jar, with
    the young generation of the container image given explicitly (-Xmn), whatever toolchain built it."""
    young = native_young_generation()
    return [str(executable), *([f"-Xmn{young}"] if young else [])], []


class Portcullis(Server):
    """Portcullis with TLS required (its self-signed certificate) and a random admin token, run by `command`
    (jvm_command(), the default with `java_options`, or native_command(path)); `properties` are extra -D
    system properties. The data dir is `<work>/<name>-data`: fresh on the first start, kept by stop(), so a
    later start() finds the databases and users created through `api`."""
    name = "portcullis"

    def __init__(self, work, java_options=(), properties=None, command=None, name=None):
        if name:
            self.name = name
        super().__init__(work)
        self.command = command or jvm_command(java_options)
        self.native = self.command[0][0] != "java"  # jcmd and the JIT exist only on the JVM
        self.properties = properties or {}
        self.token = secrets.token_urlsafe(24)
        self.data = self.work / f"{self.name}-data"

    def launch(self):
        """Spawns the process on new free ports and returns at once (start() also waits for the API)."""
        self.port = free_port()
        self.http_port = free_port()
        self.data.mkdir(exist_ok=True)
        properties = {"portcullis.listen.host": HOST, "portcullis.listen.port": self.port,
                      "quarkus.http.host": HOST, "quarkus.http.port": self.http_port,
                      "portcullis.data-dir": self.data, "portcullis.tls.mode": "require", **self.properties}
        head, rest = self.command
        command = [*head, *(f"-D{k}={v}" for k, v in properties.items()), *rest]
        env = dict(os.environ, PORTCULLIS_ADMIN_TOKEN=self.token)
        self.spawn(command, env=env, cwd=self.work)

    def start(self):
        self.launch()
        self._await_api()

    def _await_api(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.http_port}/q/health/ready", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"Portcullis API not ready within {STARTUP_TIMEOUT_SECONDS}s\n{tail(self.log_path)}")

    def api(self, method, path, body=None, timeout=30):
        request = urllib.request.Request(f"http://{HOST}:{self.http_port}{path}", method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Authorization": f"Bearer {self.token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path} -> {e.code}: {e.read().decode(errors='replace')}") from e

    def metrics(self, timeout=30):
        """The Prometheus text of /q/metrics (no token needed)."""
        with urllib.request.urlopen(f"http://{HOST}:{self.http_port}/q/metrics", timeout=timeout) as response:
            return response.read().decode()

    def gc(self):
        """Full GC so RSS readings compare live memory, not garbage awaiting collection. Only on the JVM:
        a native executable has no jcmd (its readings then include garbage); returns whether it ran."""
        if self.native:
            return False
        subprocess.run(["jcmd", str(self.pid), "GC.run"], capture_output=True, timeout=60)
        return True


def postgres_bin_dir():
    """The newest Debian PostgreSQL server binaries (/usr/lib/postgresql/<major>/bin), or None."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return candidates[-1].parent if candidates else None


class PostgreSql(Server):
    """A throw-away cluster like src/test/java/io/portcullis/testing/PostgresServer.java: initdb in a temp dir,
    run as the postgres user when this is root (PostgreSQL refuses root), SCRAM over loopback TCP, fsync off.
    The superuser `postgres` / SUPERUSER_PASSWORD owns everything; the database is `database`."""
    name = "postgres"
    SUPERUSER, SUPERUSER_PASSWORD = "postgres", "soak-super-1"

    def __init__(self, work, bin_dir, max_connections, database):
        super().__init__(work)
        self.bin_dir = bin_dir
        self.max_connections = max_connections
        self.database = database

    def _command(self, name, *args):
        command = [str(self.bin_dir / name), *args]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def start(self):
        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="portcullis-soak-pg-"))
        data, sockets = self.home / "data", self.home / "sockets"
        sockets.mkdir()
        password_file = self.home / "password"
        password_file.write_text(self.SUPERUSER_PASSWORD + "\n")
        if os.geteuid() == 0:
            run(["chown", "-R", "postgres:postgres", str(self.home)])
        initdb = subprocess.run(self._command("initdb", "-D", str(data), "-U", self.SUPERUSER,
                                              f"--pwfile={password_file}", "--auth-local=trust",
                                              "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"),
                                capture_output=True, text=True, timeout=120)
        (self.work / "initdb.log").write_text(initdb.stdout + initdb.stderr)
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed: {initdb.stderr.strip()[-2000:]}")
        password_file.unlink()
        self.spawn(self._command("postgres", "-D", str(data), "-p", str(self.port), "-k", str(sockets),
                                 "-c", f"listen_addresses={HOST}", "-c", f"max_connections={self.max_connections}",
                                 "-c", "password_encryption=scram-sha-256", "-c", "ssl=off", "-c", "fsync=off",
                                 "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                                 "-c", "shared_buffers=64MB"))
        await_login(self, self.port, self.SUPERUSER, self.SUPERUSER_PASSWORD, "disable", "postgres")
        created = psql(self.port, self.SUPERUSER, self.SUPERUSER_PASSWORD, f"CREATE DATABASE {self.database}",
                       database="postgres")
        if created.returncode != 0:
            raise RuntimeError(f"CREATE DATABASE {self.database}: {created.stderr.strip()}")

    @property
    def pid(self):
        # Under runuser the Popen child is runuser; the postmaster's pid is the first line of postmaster.pid.
        pid_file = self.home / "data" / "postmaster.pid"
        try:
            return int(pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return self.process.pid

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            try:
                os.kill(self.pid, signal.SIGINT)  # fast shutdown
            except OSError:
                pass
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if getattr(self, "home", None):
            shutil.rmtree(self.home, ignore_errors=True)


# ---------------------------------------------------------------- the run's environment

def git_commit():
    """Short commit id, with -dirty when tracked files differ from it."""
    git = first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return git + ("-dirty" if dirty else "")


def questdb_version():
    pom = (ROOT / "pom.xml").read_text()
    found = re.search(r"<questdb.version>([^<]+)</questdb.version>", pom)
    return found.group(1) if found else "?"


def environment(java_options):
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {"git": git_commit(), "nproc": os.cpu_count(), "cpu_model": model,
            "memory_gib": round(mem_kib / 1024 / 1024, 1), "kernel": platform.release(),
            "java": first_line(["java", "-version"]), "pgbench": first_line(["pgbench", "--version"]),
            "questdb": questdb_version(), "portcullis_java_options": java_options}


def load_average():
    return [round(x, 1) for x in os.getloadavg()]


def timestamp(moment=None):
    return (moment or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
