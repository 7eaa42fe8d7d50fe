#!/usr/bin/env bash
# Runs the api and the worker in the foreground with readable logs. When nothing answers
# at VALKEY_URL (default redis://127.0.0.1:6379/0) and it names this machine, it starts a
# local valkey-server or redis-server there, installing Debian's redis-server if needed.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

export VALKEY_URL="${VALKEY_URL:-redis://127.0.0.1:6379/0}"
export HTTP_ADDR="${HTTP_ADDR:-:8080}"
export WORKER_HTTP_ADDR="${WORKER_HTTP_ADDR:-:9090}"
export LOG_FORMAT="${LOG_FORMAT:-console}"

# host and port of VALKEY_URL: scheme://[user:pass@]host[:port][/db]
hostport="${VALKEY_URL#*://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
host="${hostport%:*}"; port="${hostport##*:}"
[ "$host" = "$hostport" ] && port=6379
[ -n "$host" ] || host=127.0.0.1

# answers reports whether a Valkey-compatible server replies to PING at host:port. It runs
# in a subshell, so the descriptor it opens (and its redirections) end with it.
answers() (
  exec 3<>"/dev/tcp/$host/$port" || exit 1
  printf 'PING\r\n' >&3
  reply=""
  read -r -t 2 reply <&3 || true
  [[ "$reply" == +PONG* || "$reply" == -NOAUTH* || "$reply" == -WRONGPASS* ]]
) 2>/dev/null

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

if answers; then
  echo "valkey: using the server at $host:$port"
else
  case "$host" in
    127.0.0.1|localhost|::1) ;;
    *) echo "valkey: nothing answers at $host:$port; start it or set VALKEY_URL" >&2; exit 1 ;;
  esac
  deployments/ensure-deps.sh
  server=$(command -v valkey-server || command -v redis-server || echo /usr/bin/redis-server)
  mkdir -p .run/valkey
  echo "valkey: starting $server on $host:$port (data in .run/valkey)"
  "$server" --port "$port" --bind 127.0.0.1 --dir "$PWD/.run/valkey" --appendonly yes \
    --save "" --daemonize no --loglevel warning &
  pids+=($!)
  for _ in $(seq 50); do answers && break; sleep 0.1; done
  answers || { echo "valkey: the local server did not start" >&2; exit 1; }
fi

bin/api & pids+=($!)
bin/worker & pids+=($!)

api_port="${HTTP_ADDR##*:}"
cat <<MSG

  api    on ${HTTP_ADDR} (Swagger UI: http://localhost:${api_port}/docs/index.html)
  worker on ${WORKER_HTTP_ADDR} (/health, /ready, /metrics)

  Try it:
    curl -si -X POST http://localhost:${api_port}/v1/recipe/generate \\
      -H 'Content-Type: application/json' \\
      -d '{"userId":"user-42","ingredients":["계란","대파","김치","밥"],"preferences":{"cuisine":"korean","allergies":["땅콩"],"maxCookingTime":30,"servings":2}}'
    curl -s http://localhost:${api_port}/v1/recipe/status/<jobId>

  Ctrl-C stops everything.

MSG
wait -n "${pids[@]}" || true
