#!/usr/bin/env bash
# Portcullis soak: about 200 pgbench clients in session, transaction and statement pool mode for a fixed time,
# TLS required, SCRAM logins; reports errors, latency percentiles and Portcullis's memory, open files and
# server connections over time, with a verdict on growth. Not part of ./mvnw verify.
#
#   src/soak/run.sh                          10 minutes, 200 clients
#   src/soak/run.sh --quick                  60 s, 40 clients (to try it)
#   src/soak/run.sh --duration 3600 --clients 300
#
# Works from a fresh clone like src/bench/run.sh (whose set-up it shares): installs postgresql-client
# (pgbench) with apt-get when missing and builds the fast-jar when it is missing or stale. Uses Debian's
# PostgreSQL server (/usr/lib/postgresql/*/bin) as a second backend when it is installed. Everything runs
# on 127.0.0.1, free ports, under target/soak/run-*/; the report goes to target/soak/soak-<date>-<gitsha>.{md,json}.
# Exits 1 when a check fails. See src/soak/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec </dev/null
source src/bench/prepare.sh

mapfile -t missing < <(missing_base_packages)
install_packages "${missing[@]}"
build_if_stale

exec python3 src/soak/soak.py "$@"
