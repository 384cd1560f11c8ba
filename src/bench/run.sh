#!/usr/bin/env bash
# Portcullis benchmark: QuestDB direct vs PgBouncer+TLS vs Portcullis+TLS, pgbench custom scripts, one table.
#
#   src/bench/run.sh            full matrix, 3 rounds per cell, about 30 minutes (--rounds 1: about 12)
#   src/bench/run.sh --quick    fewer cells, short runs, about 4 minutes
#   src/bench/run.sh --profile  full run plus CPU profiles of both proxies (async-profiler, perf) in one extra cell
#
# Works from a fresh clone: builds the fast-jar when it is missing (./mvnw -B -q package -DskipTests, which
# also copies QuestDB's jar to target/backends/), installs pgbouncer and postgresql-client (pgbench) with
# apt-get when missing, never starting pgbouncer's system service. Everything runs on 127.0.0.1, free
# ports, under target/bench/run-*/; results go to target/bench/results-<date>-<gitsha>.{md,json}.
# See src/bench/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec </dev/null
source src/bench/prepare.sh

find_pgbouncer() {
  command -v pgbouncer 2>/dev/null || { [[ -x /usr/sbin/pgbouncer ]] && echo /usr/sbin/pgbouncer; } || true
}

mapfile -t missing < <(missing_base_packages)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[[ -n $(find_pgbouncer) ]] || missing+=(pgbouncer)
install_packages "${missing[@]}"
build_if_stale

PGBOUNCER_BIN=$(find_pgbouncer)
export PGBOUNCER_BIN
exec python3 src/bench/bench.py "$@"
