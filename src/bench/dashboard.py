#!/usr/bin/env python3
"""The pgbouncer_exporter dashboard against Portcullis, for docs/migrating-from-pgbouncer.md (issue 20 item 3).

Starts QuestDB and Portcullis (the JVM jar) as the benchmark does (harness.py), Debian's Prometheus scraping
Portcullis's /q/metrics every second, and a pgbench workload in phases; then evaluates the PromQL of the panels a
pgbouncer_exporter dashboard has (client and server connections per pool, queries and transactions per second,
average query time, bytes, wait time, pgbouncer_up) over the run through Prometheus's query_range API, exactly as
Grafana would, and draws them as one SVG. Nothing here knows Portcullis's own metric names: a panel that draws is
a PgBouncer query answered unchanged.

    src/bench/dashboard.py [--out docs/images/exporter-dashboard.svg]

Needs: prometheus (Debian package), pgbench, a built jar (./mvnw -B package -DskipTests) and QuestDB's jar in
target/backends/ (the build copies it). Standard library only.
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
from harness import HOST, QuestDb, Server, free_port, git_commit, jvm_command, log, timestamp  # noqa: E402

SCRAPE_SECONDS = 1
RATE_WINDOW = "10s"

# (title, PromQL, unit): the panels of a pgbouncer_exporter dashboard, queries as such dashboards write them.
PANELS = [
    ("Client connections (active, waiting)",
     'sum by (database, user) (pgbouncer_pools_client_active_connections) '
     'or label_replace(sum by (database, user) (pgbouncer_pools_client_waiting_connections), "user", "$1 waiting", '
     '"user", "(.*)")', ""),
    ("Server connections (active, idle)",
     'sum by (database) (pgbouncer_pools_server_active_connections) '
     'or label_replace(sum by (database) (pgbouncer_pools_server_idle_connections), "database", "$1 idle", '
     '"database", "(.*)")', ""),
    ("Queries per second", f"sum by (database) (rate(pgbouncer_stats_queries_pooled_total[{RATE_WINDOW}]))", "/s"),
    ("Transactions per second",
     f"sum by (database) (rate(pgbouncer_stats_sql_transactions_pooled_total[{RATE_WINDOW}]))", "/s"),
    ("Average query time",
     f"sum by (database) (rate(pgbouncer_stats_queries_duration_seconds_total[{RATE_WINDOW}])) / "
     f"sum by (database) (rate(pgbouncer_stats_queries_pooled_total[{RATE_WINDOW}])) * 1000", " ms"),
    ("Bytes sent to clients", f"sum by (database) (rate(pgbouncer_stats_sent_bytes_total[{RATE_WINDOW}]))", " B/s"),
    ("Client wait time per second",
     f"sum by (database) (rate(pgbouncer_stats_client_wait_seconds_total[{RATE_WINDOW}])) * 1000", " ms/s"),
    ("pgbouncer_up", "pgbouncer_up", ""),
]

# (seconds, clients, script): the workload, so every panel moves.
PHASES = [(15, 4, "select1"), (15, 16, "trades"), (15, 48, "select1"), (10, 0, None)]


class Prometheus(Server):
    name = "prometheus"

    def __init__(self, work, target):
        super().__init__(work)
        self.target = target
        self.binary = shutil.which("prometheus") or "/usr/bin/prometheus"

    def start(self):
        self.port = free_port()
        config = self.work / "prometheus.yml"
        config.write_text(json.dumps({
            "global": {"scrape_interval": f"{SCRAPE_SECONDS}s", "evaluation_interval": f"{SCRAPE_SECONDS}s"},
            "scrape_configs": [{"job_name": "pgbouncer", "metrics_path": "/q/metrics",
                                "static_configs": [{"targets": [self.target]}]}]}))
        self.spawn([self.binary, f"--config.file={config}", f"--storage.tsdb.path={self.work / 'prometheus-data'}",
                    f"--web.listen-address={HOST}:{self.port}"], cwd=self.work)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/-/ready", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("Prometheus did not get ready")

    def query_range(self, expr, start, end):
        query = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": SCRAPE_SECONDS})
        with urllib.request.urlopen(f"http://{HOST}:{self.port}/api/v1/query_range?{query}", timeout=30) as r:
            answer = json.load(r)
        if answer.get("status") != "success":
            raise RuntimeError(f"{expr}: {answer}")
        return answer["data"]["result"]


def label(metric):
    shown = {k: v for k, v in metric.items() if k not in ("__name__", "instance")}
    return ", ".join(f"{k}={v}" for k, v in sorted(shown.items())) or "value"


def draw(panels, start, end, out, title):
    """Panels as small line charts, two per row, with the PromQL under each title."""
    width, height, cols = 560, 230, 2
    rows = (len(panels) + cols - 1) // cols
    colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{cols * width}" height="{rows * height + 40}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="24" font-size="16">{escape(title)}</text>']
    for i, (name, expr, unit, series) in enumerate(panels):
        x0, y0 = (i % cols) * width + 10, (i // cols) * height + 40
        px, py, pw, ph = x0 + 50, y0 + 40, width - 80, height - 90
        svg.append(f'<text x="{x0}" y="{y0 + 12}" font-size="13" font-weight="bold">{escape(name)}</text>')
        svg.append(f'<text x="{x0}" y="{y0 + 26}" fill="#555" font-size="9">{escape(expr[:110])}'
                   f'{"…" if len(expr) > 110 else ""}</text>')
        svg.append(f'<rect x="{px}" y="{py}" width="{pw}" height="{ph}" fill="none" stroke="#ccc"/>')
        values = [float(v) for s in series for _, v in s["values"] if v not in ("NaN", "+Inf", "-Inf")]
        top = max(values) if values else 1.0
        top = top if top > 0 else 1.0
        svg.append(f'<text x="{px - 4}" y="{py + 8}" text-anchor="end">{top:.3g}{escape(unit)}</text>')
        svg.append(f'<text x="{px - 4}" y="{py + ph}" text-anchor="end">0</text>')
        for k, s in enumerate(series[:len(colours)]):
            points = [(float(t), float(v)) for t, v in s["values"] if v not in ("NaN", "+Inf", "-Inf")]
            path = " ".join(f"{px + (t - start) / (end - start) * pw:.1f},{py + ph - v / top * ph:.1f}"
                            for t, v in points)
            colour = colours[k]
            svg.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{path}"/>')
            svg.append(f'<text x="{px + 4 + (k % 2) * (pw // 2)}" y="{py + ph + 16 + (k // 2) * 12}" '
                       f'fill="{colour}">{escape(label(s["metric"]))}</text>')
        if not series:
            svg.append(f'<text x="{px + pw / 2}" y="{py + ph / 2}" text-anchor="middle" fill="#d62728">no data</text>')
    svg.append("</svg>")
    out.write_text("\n".join(svg) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(bench.ROOT / "docs" / "images" / "exporter-dashboard.svg"))
    args = parser.parse_args()
    work = bench.BENCH_DIR / f"dashboard-{timestamp()}"
    work.mkdir(parents=True)
    scripts = {}
    for key, text in bench.SCRIPTS.items():
        scripts[key] = work / f"{key}.sql"
        scripts[key].write_text(text)
    servers = []
    try:
        questdb = QuestDb(work, bench.QUESTDB_CONNECTION_LIMIT)
        servers.append(questdb)
        questdb.start()
        questdb.create_trades()
        portcullis = bench.new_portcullis(work, "jvm", jvm_command())
        servers.append(portcullis)
        portcullis.start()
        bench.configure_portcullis(portcullis, questdb.port)
        prometheus = Prometheus(work, f"{HOST}:{portcullis.http_port}")
        servers.append(prometheus)
        prometheus.start()
        target = bench.Target("jvm", "Portcullis", portcullis, portcullis.port, bench.BENCH_USER,
                              bench.BENCH_PASSWORD, "require", False)
        start = time.time()
        for seconds, clients, script in PHASES:
            if clients == 0:
                time.sleep(seconds)
                continue
            log(f"{clients} clients, {script}, {seconds} s")
            bench.pgbench(target, scripts[script], "extended", clients, seconds)
        time.sleep(2 * SCRAPE_SECONDS)
        end = time.time()
        panels = []
        for name, expr, unit in PANELS:
            series = prometheus.query_range(expr, start, end)
            log(f"{name}: {len(series)} series")
            panels.append((name, expr, unit, series))
        missing = [name for name, _, _, series in panels if not series]
        draw(panels, start, end, Path(args.out),
             f"pgbouncer_exporter panels, Portcullis {git_commit()}: Prometheus scraping /q/metrics, "
             f"pgbench 4 → 16 (trades) → 48 clients, then idle")
        log(f"wrote {args.out}")
        if missing:
            log(f"panels without data: {missing}")
            return 1
        return 0
    finally:
        for server in reversed(servers):
            try:
                server.stop()
            except Exception as e:  # noqa: BLE001 - stopping the rest matters more
                log(f"stopping {server.name}: {e}")


if __name__ == "__main__":
    sys.exit(main())
