#!/usr/bin/env bash
# Failover run of the cluster (docs/CLUSTER.md): one redis-server (AOF, appendfsync always) and three silos on
# this machine; `persona-loadtest feed` streams synthetic events to the silos in turn, re-sending any batch
# without a 200 to the next silo. Mid-run silo 2 is killed with SIGKILL and restarted later, then redis-server
# is killed with SIGKILL and restarted. Afterwards a single node (the embedded store) imports the same events
# and every user's profile on the cluster is compared with the single node's (both exported --as-of one time).
# Usage: bench/cluster-failover.sh [WORKDIR] [EVENTS] [USERS]; needs a Release build of src/Persona.Cli and
# bench/Persona.LoadTest, and redis-server on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/persona-failover}
events=${2:-200000}
users=${3:-20000}
port_redis=${REDIS_PORT:-16790}
as_of=2026-12-31T00:00:00Z
persona="dotnet src/Persona.Cli/bin/Release/net10.0/persona.dll"
loadtest="dotnet bench/Persona.LoadTest/bin/Release/net10.0/Persona.LoadTest.dll"
rm -rf "$work" && mkdir -p "$work/redis"
$persona generate --users "$users" --events "$events" --items 2000 --start 2026-12-01T00:00:00Z --out "$work/gen" >/dev/null

redis() { redis-server --port "$port_redis" --bind 127.0.0.1 --dir "$work/redis" --appendonly yes --appendfsync always --aof-use-rdb-preamble no --save '' --daemonize no >"$work/redis.log" 2>&1 & echo $! >"$work/redis.pid"; }
silo() { $persona serve --cluster "redis://127.0.0.1:$port_redis" --urls "http://127.0.0.1:1678$1" --data-dir "$work/silo$1" >>"$work/silo$1.log" 2>&1 & echo $! >"$work/silo$1.pid"; }
healthy() { for _ in $(seq 1 120); do curl -sf "$1/health" >/dev/null && return 0; sleep 0.5; done; echo "no healthy $1" >&2; return 1; }
at() { echo "$(date +%T.%N | cut -c1-12) $*" | tee -a "$work/timeline.txt"; }
cleanup() { for f in "$work"/*.pid; do kill -9 "$(cat "$f")" 2>/dev/null || true; done; }
trap cleanup EXIT

redis; sleep 0.5
for i in 1 2 3; do silo $i; done
for i in 1 2 3; do healthy "http://127.0.0.1:1678$i"; done
at "cluster up"
at "feed starts"
$loadtest feed --urls http://127.0.0.1:16781,http://127.0.0.1:16782,http://127.0.0.1:16783 \
  --items "$work/gen/catalog.ndjson" --input "$work/gen/events.ndjson" --batch 1000 --events-per-sec "${RATE:-4000}" >"$work/feed.json" 2>"$work/feed.log" &
feed=$!
sleep "${KILL_SILO_AT:-10}"; at "kill -9 silo 2"; kill -9 "$(cat "$work/silo2.pid")"
sleep "${RESTART_SILO_AFTER:-10}"; at "restart silo 2"; silo 2; healthy http://127.0.0.1:16782; at "silo 2 healthy"
sleep "${KILL_REDIS_AFTER:-10}"; at "kill -9 redis-server"; kill -9 "$(cat "$work/redis.pid")"
sleep "${RESTART_REDIS_AFTER:-3}"; at "restart redis-server"; redis
wait $feed
at "feed done: $(tr -d '\n ' <"$work/feed.json")"

# Every silo is stopped the hard way (what they held is in Redis); the export opens each partition from Redis.
for i in 1 2 3; do kill -9 "$(cat "$work/silo$i.pid")" 2>/dev/null || true; done
$persona export-profiles --cluster "redis://127.0.0.1:$port_redis" --data-dir "$work/export" --as-of "$as_of" --out "$work/cluster.tsv"
$persona import --input "$work/gen/catalog.ndjson" --items --data-dir "$work/single" >/dev/null
$persona import --input "$work/gen/events.ndjson" --data-dir "$work/single" >/dev/null
$persona export-profiles --data-dir "$work/single" --as-of "$as_of" --out "$work/single.tsv"
if cmp -s "$work/cluster.tsv" "$work/single.tsv"; then
  at "profiles: cluster equals single node ($(wc -l <"$work/single.tsv") users)"
else
  at "profiles DIFFER: $(comm -3 <(sort "$work/cluster.tsv") <(sort "$work/single.tsv") | wc -l) lines differ"; exit 1
fi
