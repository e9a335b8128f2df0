#!/usr/bin/env bash
# Ingest throughput of the cluster with 1, 2 and 3 silos on this machine (docs/CLUSTER.md): for each size, a fresh
# redis-server (AOF, appendfsync always) and N silos; `persona-loadtest feed` posts the same synthetic events
# unpaced, one batch of 1,000 at a time per address, with one feeder per silo (each on its own slice of users).
# Reports events/s, CPU milliseconds per 1,000 events (all silos and redis-server, from /proc) and Redis requests
# per batch (INFO commandstats: commits, and the merged logs' reads). PARTITIONS sets the partition count.
# Usage: bench/cluster-throughput.sh [WORKDIR] [EVENTS] [USERS].
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/persona-throughput}
events=${2:-200000}
users=${3:-20000}
port_redis=${REDIS_PORT:-16791}
persona="dotnet src/Persona.Cli/bin/Release/net10.0/persona.dll"
loadtest="dotnet bench/Persona.LoadTest/bin/Release/net10.0/Persona.LoadTest.dll"
rm -rf "$work" && mkdir -p "$work"
$persona generate --users "$users" --events "$events" --items 2000 --start 2026-12-01T00:00:00Z --out "$work/gen" >/dev/null
cpu() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
tick=$(getconf CLK_TCK)
for n in ${SILOS:-1 2 3}; do
  run="$work/n$n"; mkdir -p "$run/redis"
  redis-server --port "$port_redis" --bind 127.0.0.1 --dir "$run/redis" --appendonly yes --appendfsync always --aof-use-rdb-preamble no --save '' --daemonize no >"$run/redis.log" 2>&1 &
  pids=($!); sleep 0.5
  urls=()
  for i in $(seq 1 "$n"); do
    $persona serve --cluster "redis://127.0.0.1:$port_redis" --urls "http://127.0.0.1:1680$i" --data-dir "$run/silo$i" --partitions "${PARTITIONS:-16}" >"$run/silo$i.log" 2>&1 &
    pids+=($!); urls+=("http://127.0.0.1:1680$i")
  done
  for u in "${urls[@]}"; do until curl -sf "$u/health" >/dev/null; do sleep 0.5; done; done
  $loadtest feed --urls "${urls[0]}" --input /dev/null --items "$work/gen/catalog.ndjson" >/dev/null 2>&1
  # One feeder per silo, each with the events of its own users (a user's events stay in order).
  for i in $(seq 1 "$n"); do
    awk -v n="$n" -v i="$i" 'BEGIN{FS="\"userId\":\""} {split($2,a,"\""); h=0; for(k=1;k<=length(a[1]);k++){h=(h*31+index("0123456789abcdefghijklmnopqrstuvwxyz-_",substr(a[1],k,1)))%1000003} if (h%n==i-1) print}' "$work/gen/events.ndjson" >"$run/slice$i.ndjson"
  done
  redis-cli -p "$port_redis" config resetstat >/dev/null
  c0=$(cpu "${pids[@]}"); t0=$(date +%s.%N)
  feeds=()
  for i in $(seq 1 "$n"); do $loadtest feed --urls "${urls[$((i - 1))]}" --input "$run/slice$i.ndjson" --batch 1000 >"$run/feed$i.json" 2>/dev/null & feeds+=($!); done
  wait "${feeds[@]}"
  t1=$(date +%s.%N); c1=$(cpu "${pids[@]}")
  # Client requests only: a commit is one EVALSHA (the XADDs and GETs inside it are counted by Redis too, as its own
  # calls); XRANGE are the merged logs' reads of every partition.
  stat() { redis-cli -p "$port_redis" info commandstats | awk -F'[:=,]' -v c="cmdstat_$1" '$1==c{print $3}'; }
  commits=$(stat evalsha); reads=$(stat xrange)
  batches=$(cat "$run"/feed*.json | grep -o '"batches": *[0-9]*' | awk -F: '{s+=$2} END{print s}')
  echo "silos=$n partitions=${PARTITIONS:-16} events=$events seconds=$(echo "$t1 - $t0" | bc) events_per_s=$(echo "$events / ($t1 - $t0)" | bc) cpu_ms_per_1000_events=$(echo "($c1 - $c0) * 1000 / $tick * 1000 / $events" | bc) commits_per_batch=$(echo "scale=1; $commits / $batches" | bc) log_reads_per_batch=$(echo "scale=1; ${reads:-0} / $batches" | bc)" | tee -a "$work/results.txt"
  kill -9 "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true
done
