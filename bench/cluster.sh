#!/usr/bin/env bash
# Starts a local Persona cluster for trying it (docs/CLUSTER.md): a redis-server with durable settings (AOF,
# appendfsync always) and N silos, each `persona serve --cluster` on its own HTTP port (5081, 5082, ...) and
# data directory. Ctrl-C stops them all. Usage: bench/cluster.sh [N] [WORKDIR]; needs redis-server on PATH and
# a Release build of src/Persona.Cli (dotnet build src/Persona.Cli -c Release).
set -euo pipefail
cd "$(dirname "$0")/.."
silos=${1:-3}
work=${2:-./persona-cluster}
redis_port=${REDIS_PORT:-6390}
persona="dotnet src/Persona.Cli/bin/Release/net10.0/persona.dll"
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install redis-server)"; exit 1; }
mkdir -p "$work/redis"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$(cd "$work/redis" && pwd)" --appendonly yes --appendfsync always --aof-use-rdb-preamble no --save '' >"$work/redis.log" 2>&1 &
pids+=($!)
for i in $(seq 1 "$silos"); do
  $persona serve --cluster "redis://127.0.0.1:$redis_port" --urls "http://127.0.0.1:$((5080 + i))" --data-dir "$work/silo$i" >"$work/silo$i.log" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 "$silos"); do
  until curl -sf "http://127.0.0.1:$((5080 + i))/health" >/dev/null; do sleep 0.5; done
  echo "silo $i: http://127.0.0.1:$((5080 + i)) (log: $work/silo$i.log)"
done
echo "redis: 127.0.0.1:$redis_port (data: $work/redis); Ctrl-C stops the cluster"
wait
