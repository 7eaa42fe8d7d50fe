#!/usr/bin/env bash
# Installs what the tests and `make run` need when it is missing: a Valkey-compatible
# server binary (valkey-server, or Debian's redis-server package) and PostgreSQL's initdb
# and postgres (Debian's postgresql package), from which the tests make throwaway servers;
# and Chromium with a Korean font (Debian's chromium and fonts-nanum), which the pages'
# browser tests drive headless and take screenshots with.
# Arguments name extra tools for the deployment tests: nginx (nginx -t on
# deployments/nginx/nginx.conf, and nginx in front of a fake api) and podman (the images
# run as containers; with runc, which works on hosts where crun refuses a hybrid cgroup
# hierarchy), and wrk (the HTTP load of `make bench`).
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/bin/$1" ] || [ -x "/usr/sbin/$1" ]; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

missing=()
if ! have valkey-server && ! have redis-server; then
  missing+=(redis-server)
fi
if ! have initdb && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  missing+=(postgresql)
fi
if ! have chromium && ! have chromium-browser && ! have google-chrome; then
  missing+=(chromium)
fi
if ! compgen -G '/usr/share/fonts/truetype/nanum/*.ttf' >/dev/null; then
  missing+=(fonts-nanum)
fi
for tool in "$@"; do
  case "$tool" in
    nginx) have nginx || missing+=(nginx) ;;
    podman) have podman || missing+=(podman); have runc || missing+=(runc) ;;
    wrk) have wrk || missing+=(wrk) ;;
    *) echo "ensure-deps.sh: unknown tool $tool (want nginx, podman or wrk)" >&2; exit 2 ;;
  esac
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
