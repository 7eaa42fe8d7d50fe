#!/usr/bin/env bash
# Runs the api and the worker in the foreground with readable logs. When nothing answers
# at VALKEY_URL (default redis://127.0.0.1:6379/0) and it names this machine, it starts a
# local valkey-server or redis-server there, installing Debian's redis-server if needed.
# When DATABASE_URL is not set, it uses a local PostgreSQL for the history if one can be
# had (the server on 127.0.0.1:5432, or its own cluster under .run/postgres when Debian's
# PostgreSQL is installed), and runs without history otherwise.
# Variables come from the environment first, then from .env, then from the defaults here.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

# .env fills what the environment leaves unset (KEY=VALUE lines; # comments).
if [ -f .env ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    name="${BASH_REMATCH[2]}"; value="${BASH_REMATCH[3]}"
    value="${value%\"}"; value="${value#\"}"; value="${value%\'}"; value="${value#\'}"
    [ -z "${!name+x}" ] && export "$name=$value"
  done < .env
fi

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

# history: DATABASE_URL when set, else a local PostgreSQL when one can be had.
history="off (set DATABASE_URL to keep results as per-user history)"
pg_answers() { psql "$1" -qAtc 'select 1' >/dev/null 2>&1; }
if [ -n "${DATABASE_URL:-}" ]; then
  history="on (DATABASE_URL)"
elif command -v psql >/dev/null && pg_answers "postgresql://postgres@127.0.0.1:5432/postgres"; then
  psql "postgresql://postgres@127.0.0.1:5432/postgres" -qAtc "select 1 from pg_database where datname = 'recipe_ai'" | grep -q 1 ||
    psql "postgresql://postgres@127.0.0.1:5432/postgres" -qc "create database recipe_ai" >/dev/null
  export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/recipe_ai?sslmode=disable"
  history="on (the PostgreSQL on 127.0.0.1:5432, database recipe_ai)"
elif initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1) && [ -n "$initdb" ]; then
  pgbin=$(dirname "$initdb"); pgdata="$PWD/.run/postgres"; pgport=5433
  as_pg=(); [ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata"; [ "$(id -u)" = 0 ] && chown postgres "$pgdata"
    "${as_pg[@]}" "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust >/dev/null
  fi
  echo "postgres: starting $pgbin/postgres on 127.0.0.1:$pgport (data in .run/postgres)"
  "${as_pg[@]}" "$pgbin/postgres" -D "$pgdata" -p "$pgport" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$pgdata" >"$pgdata/server.log" 2>&1 &
  pids+=($!)
  url="postgresql://postgres@127.0.0.1:$pgport/postgres"
  for _ in $(seq 100); do pg_answers "$url" && break; sleep 0.1; done
  if pg_answers "$url"; then
    psql "$url" -qAtc "select 1 from pg_database where datname = 'recipe_ai'" | grep -q 1 || psql "$url" -qc "create database recipe_ai" >/dev/null
    export DATABASE_URL="postgresql://postgres@127.0.0.1:$pgport/recipe_ai?sslmode=disable"
    history="on (PostgreSQL of its own on 127.0.0.1:$pgport, data in .run/postgres)"
  else
    echo "postgres: the local server did not start; see .run/postgres/server.log" >&2
  fi
fi

bin/api & pids+=($!)
bin/worker & pids+=($!)

api_port="${HTTP_ADDR##*:}"
cat <<MSG

  api     on ${HTTP_ADDR} (Swagger UI: http://localhost:${api_port}/docs/index.html)
  worker  on ${WORKER_HTTP_ADDR} (/health, /ready, /metrics)
  history ${history}

  Try it:
    curl -si -X POST http://localhost:${api_port}/v1/recipe/generate \\
      -H 'Content-Type: application/json' \\
      -d '{"userId":"user-42","ingredients":["계란","대파","김치","밥"],"preferences":{"cuisine":"korean","allergies":["땅콩"],"maxCookingTime":30,"servings":2}}'
    curl -s http://localhost:${api_port}/v1/recipe/status/<jobId>
    curl -sN http://localhost:${api_port}/v1/recipe/status/<jobId>/events     # live progress
    curl -s -X DELETE http://localhost:${api_port}/v1/recipe/status/<jobId>   # cancel
    curl -s http://localhost:${api_port}/v1/users/user-42/recipes              # history (when on)

  Ctrl-C stops everything.

MSG
wait -n "${pids[@]}" || true
