#!/usr/bin/env bash
# Portcullis benchmark: QuestDB direct vs PgBouncer+TLS vs Portcullis+TLS, pgbench custom scripts, one table.
#
#   src/bench/run.sh            full matrix, about 12 minutes
#   src/bench/run.sh --quick    fewer cells, short runs, about 4 minutes
#   src/bench/run.sh --profile  full run plus a JFR profile of Portcullis during one 16-client run
#
# Works from a fresh clone: builds the fast-jar when it is missing (./mvnw -B -q package -DskipTests, which
# also copies QuestDB's jar to target/backends/), installs pgbouncer and postgresql-client (pgbench) with
# apt-get when missing, never starting pgbouncer's system service. Everything runs on 127.0.0.1, free
# ports, under target/bench/run-*/; results go to target/bench/results-<date>-<gitsha>.{md,json}.
# See src/bench/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec </dev/null

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    log "need root (or sudo) to run: $*"
    return 1
  fi
}

find_pgbouncer() {
  command -v pgbouncer 2>/dev/null || { [[ -x /usr/sbin/pgbouncer ]] && echo /usr/sbin/pgbouncer; } || true
}

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v pgbench >/dev/null 2>&1 || missing+=(postgresql-client)
[[ -n $(find_pgbouncer) ]] || missing+=(pgbouncer)

if ((${#missing[@]} > 0)); then
  if ! command -v apt-get >/dev/null 2>&1; then
    log "missing: ${missing[*]} (Debian/Ubuntu package names) and no apt-get to install them; install them and rerun"
    exit 1
  fi
  log "installing: ${missing[*]}"
  # Forbid package scripts from starting services (pgbouncer's package would start its system service).
  # Exit code 101 means "action forbidden" to invoke-rc.d and deb-systemd-invoke.
  policy=/usr/sbin/policy-rc.d
  created_policy=false
  if [[ ! -e $policy ]]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    created_policy=true
  fi
  trap 'if [[ $created_policy == true ]]; then as_root rm -f "$policy"; fi' EXIT
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  if [[ $created_policy == true ]]; then
    as_root rm -f "$policy"
    created_policy=false
  fi
fi

# Build when the jar is missing or older than the sources, so the results' commit id names what ran.
jar=target/quarkus-app/quarkus-run.jar
if [[ ! -f $jar || ! -f target/backends/questdb.jar || -n $(find src/main pom.xml -newer "$jar" -print -quit) ]]; then
  log "building: ./mvnw -B -q package -DskipTests"
  ./mvnw -B -q package -DskipTests
fi

PGBOUNCER_BIN=$(find_pgbouncer)
export PGBOUNCER_BIN
exec python3 src/bench/bench.py "$@"
