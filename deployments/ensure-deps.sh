#!/usr/bin/env bash
# Installs what the tests and `make run` need when it is missing: a Valkey-compatible
# server binary (valkey-server, or Debian's redis-server package).
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/bin/$1" ] || [ -x "/usr/sbin/$1" ]; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

if ! have valkey-server && ! have redis-server; then
  echo "installing redis-server (a Valkey-compatible server) with apt-get" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
