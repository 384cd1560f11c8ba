#!/usr/bin/env bash
# Portcullis benchmark: QuestDB direct vs PgBouncer+TLS vs Portcullis JVM+TLS vs Portcullis native+TLS,
# pgbench custom scripts, in one run.
#
#   src/bench/run.sh                  full matrix, 3 rounds per cell, about 40 minutes (--rounds 1: about 15)
#   src/bench/run.sh --quick          fewer cells, short runs, about 8 minutes
#   src/bench/run.sh --profile        also CPU profiles of the three proxies (async-profiler, perf) in one extra cell
#   src/bench/run.sh --native PATH    that native executable (default target/portcullis-0.1.0-SNAPSHOT-runner)
#   src/bench/run.sh --no-native      direct, PgBouncer and the JVM build only
#
# Works from a fresh clone: builds the native executable when it is missing and GRAALVM_HOME is set
# (./mvnw -B package -Dnative -DskipTests), then the fast-jar when it is missing, stale or from that native
# build (./mvnw -B -q package -DskipTests, which also copies QuestDB's jar to target/backends/); installs
# pgbouncer and postgresql-client (pgbench) with apt-get when missing, never starting pgbouncer's system
# service. Everything runs on 127.0.0.1, free ports, under target/bench/run-*/; results go to
# target/bench/results-<date>-<gitsha>.{md,json,svg}. See src/bench/README.md.
set -euo pipefail

# --native PATH relative to where the caller stands, before the cd below.
args=()
native_wanted=true native_given=false
while (($# > 0)); do
  case $1 in
    --no-native) native_wanted=false; args+=("$1") ;;
    --native) native_given=true; args+=("$1" "$(realpath -m -- "${2:?--native needs a PATH}")"); shift ;;
    --native=*) native_given=true; args+=(--native "$(realpath -m -- "${1#--native=}")") ;;
    *) args+=("$1") ;;
  esac
  shift
done

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

# The native executable first: the jar check after it rebuilds the fast-jar if the native build left it
# stale or without Netty's JNI libraries. A native build does not write target/quarkus-app, nor does the jar
# build remove the runner.
NATIVE_RUNNER=target/portcullis-0.1.0-SNAPSHOT-runner
if [[ $native_wanted == true && $native_given == false ]]; then
  if [[ ! -x $NATIVE_RUNNER || -n $(find src/main pom.xml -newer "$NATIVE_RUNNER" -print -quit 2>/dev/null) ]]; then
    if [[ -n ${GRAALVM_HOME:-} ]]; then
      log "building the native executable (about 5 minutes, both cores): ./mvnw -B package -Dnative -DskipTests"
      ./mvnw -B package -Dnative -DskipTests
    elif [[ ! -x $NATIVE_RUNNER ]]; then
      log "no native executable at $NATIVE_RUNNER and GRAALVM_HOME is not set. Either set GRAALVM_HOME (on these"
      log "machines: ../shared/native-toolchain/setup.sh /tmp/graalvm-home; export GRAALVM_HOME=/tmp/graalvm-home"
      log "JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64) so this script builds it, pass --native PATH to one you"
      log "built, or run without it: --no-native"
      exit 1
    else
      log "warning: $NATIVE_RUNNER is older than src/main or pom.xml and GRAALVM_HOME is not set to rebuild it"
    fi
  fi
fi
build_if_stale

PGBOUNCER_BIN=$(find_pgbouncer)
export PGBOUNCER_BIN
exec python3 src/bench/bench.py "${args[@]}"
