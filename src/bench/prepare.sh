# Shared set-up of src/bench/run.sh and src/soak/run.sh (sourced, not run): installs missing Debian packages
# without letting their scripts start services, and builds the fast-jar when it is missing or stale.
# The caller has cd'ed to the repository root and set -euo pipefail.

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

# The packages every driver needs that are missing; the caller appends its own.
missing_base_packages() {
  command -v java >/dev/null 2>&1 || echo openjdk-17-jdk-headless
  command -v python3 >/dev/null 2>&1 || echo python3
  command -v pgbench >/dev/null 2>&1 || echo postgresql-client
  return 0
}

# install_packages PACKAGE...: apt-get install with a policy-rc.d that forbids package scripts to start
# services (pgbouncer's and postgresql's packages would start their system services). Exit code 101 means
# "action forbidden" to invoke-rc.d and deb-systemd-invoke.
install_packages() {
  (($# > 0)) || return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    log "missing: $* (Debian/Ubuntu package names) and no apt-get to install them; install them and rerun"
    exit 1
  fi
  log "installing: $*"
  local policy=/usr/sbin/policy-rc.d created_policy=false status=0
  if [[ ! -e $policy ]]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    created_policy=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" || status=$?
  if [[ $created_policy == true ]]; then
    as_root rm -f "$policy"
  fi
  return "$status"
}

# Build when the jar is missing or older than the sources, so a report's commit id names what ran, or when
# it came from a native build (-Dnative leaves Netty's JNI libraries out: the JVM jar would then run the JDK's
# TLS engine and NIO instead of OpenSSL and epoll).
build_if_stale() {
  local jar=target/quarkus-app/quarkus-run.jar
  if [[ ! -f $jar || ! -f target/backends/questdb.jar || -n $(find src/main pom.xml -newer "$jar" -print -quit) ]] \
      || ! compgen -G 'target/quarkus-app/lib/main/*netty-tcnative-boringssl-static*' >/dev/null \
      || ! compgen -G 'target/quarkus-app/lib/main/*netty-transport-native-epoll*' >/dev/null; then
    log "building: ./mvnw -B -q package -DskipTests"
    ./mvnw -B -q package -DskipTests
  fi
}
