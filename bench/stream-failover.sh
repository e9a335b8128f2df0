#!/usr/bin/env bash
# The Redis Streams source's failover check (docs/EVENTS.md, "Redis Streams source"):
#  1. a synthetic shop (persona generate) is written into Redis Stream 'events' as single-event and NDJSON
#     entries, about 10 % of them sent twice and 10 unreadable ones among them (stream/feed.py);
#  2. consumer A (persona serve --redis-stream) consumes it while the second half is still being added, and is
#     killed with SIGKILL part-way, with entries pending (read, not acknowledged);
#  3. consumer B, another process with another consumer name on the same data directory, recovers the store,
#     claims A's pending entries (XAUTOCLAIM) and consumes the rest;
#  4. every user's profile served by B is compared with a single-node reference (persona import of the same
#     events, no stream, no duplicates) by stream/compare.py; as a negative control the same comparison must
#     find exactly one different user against a reference missing one event;
#  5. the group's lag and pending count must be 0, the log hold each distinct event once, and the dead
#     letters hold the unreadable entries.
# Exits 0 (PASS) only when all of that holds.
# Usage: bench/stream-failover.sh [WORKDIR]   (env: EVENTS, USERS, KILL_AT share of entries, CLAIM seconds)
# Needs redis-server and redis-cli (ports 16550-16564) and a Release build of src/Persona.Cli.
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-$(mktemp -d /tmp/persona-stream-failover.XXXXXX)}
EVENTS=${EVENTS:-100000} USERS=${USERS:-5000} KILL_AT=${KILL_AT:-0.4} CLAIM=${CLAIM:-2}
RPORT=16550 PA=16561 PB=16562 PR=16563 PN=16564
P=src/Persona.Cli/bin/Release/net10.0/persona
[ -x "$P" ] || dotnet build src/Persona.Cli -c Release >/dev/null
mkdir -p "$W"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
rc() { redis-cli -p $RPORT "$@"; }
# A field of XINFO GROUPS for group 'persona' (pending, entries-read, lag).
group() { rc XINFO GROUPS events | awk -v k="$1" 'prev == k { print; exit } { prev = $0 }'; }
health() { for _ in $(seq 600); do curl -sf "$1/health" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1"; exit 1; }
now() { date +%s.%N; }
serve() { # NAME PORT DATA [stream flags...]
  local name=$1 port=$2 data=$3; shift 3
  "$P" serve --data-dir "$data" --urls "http://127.0.0.1:$port" "$@" >"$W/$name.log" 2>&1 &
  pids+=($!); echo $! >"$W/$name.pid"
}

echo "== workdir $W"
# The shop and the two references are kept in WORKDIR and reused by a rerun; the stream's store and Redis are new each run.
if [ ! -f "$W/neg/.done" ]; then
  rm -rf "$W/shop" "$W/ref" "$W/neg"
  "$P" generate --users "$USERS" --events "$EVENTS" --items 5000 --out "$W/shop" | tail -1
  head -n 49999 "$W/shop/events.ndjson" >"$W/minus-one.ndjson" && tail -n +50001 "$W/shop/events.ndjson" >>"$W/minus-one.ndjson"
  for ref in ref:events.ndjson neg:../minus-one.ndjson; do
    "$P" import --input "$W/shop/catalog.ndjson" --items --data-dir "$W/${ref%%:*}" >/dev/null
    "$P" import --input "$W/shop/${ref#*:}" --data-dir "$W/${ref%%:*}" >/dev/null
  done
  touch "$W/neg/.done"
fi
rm -rf "$W/stream" "$W/redis"
"$P" import --input "$W/shop/catalog.ndjson" --items --data-dir "$W/stream" >/dev/null

mkdir -p "$W/redis"
redis-server --port $RPORT --bind 127.0.0.1 --dir "$W/redis" --save "" --appendonly no >"$W/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do rc PING >/dev/null 2>&1 && break; sleep 0.1; done
python3 bench/stream/feed.py "$W/shop/events.ndjson" events "$W/first.resp" "$W/second.resp" | tee "$W/feed.json"
total=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['first']['entries']+d['second']['entries'])" "$W/feed.json")
rc --pipe <"$W/first.resp" | tail -1

echo "== consumer A"
t0=$(now)
serve a $PA "$W/stream" --redis-stream events --redis "redis://127.0.0.1:$RPORT" --stream-consumer A --stream-claim-idle-seconds "$CLAIM"
health "http://127.0.0.1:$PA"
rc --pipe <"$W/second.resp" | tail -1
kill_at=$(python3 -c "print(int($total * $KILL_AT))")
until [ "$(group entries-read)" -ge "$kill_at" ]; do sleep 0.02; done
kill -9 "$(cat "$W/a.pid")"
t1=$(now)
pending_a=$(rc XPENDING events persona - + 100000 A | grep -c -E '^[0-9]+-[0-9]+$' || true)
echo "killed A (SIGKILL) after $(python3 -c "print(round($t1 - $t0, 1))") s: entries read by the group $(group entries-read) of $total, pending on A $pending_a"

sleep $((CLAIM + 1))
echo "== consumer B (same data directory)"
t2=$(now)
serve b $PB "$W/stream" --redis-stream events --redis "redis://127.0.0.1:$RPORT" --stream-consumer B --stream-claim-idle-seconds "$CLAIM"
health "http://127.0.0.1:$PB"
t3=$(now)
deadline=$(( $(date +%s) + 600 ))
until [ "$(group lag)" = 0 ] && [ "$(group pending)" = 0 ]; do
  [ "$(date +%s)" -lt $deadline ] || { echo "FAIL: lag $(group lag), pending $(group pending) after 600 s"; exit 1; }
  sleep 0.05
done
t4=$(now)
echo "B: store open in $(python3 -c "print(round($t3 - $t2, 1))") s, then lag 0 and pending 0 after $(python3 -c "print(round($t4 - $t3, 1))") s; group: lag $(group lag), pending $(group pending), entries-read $(group entries-read)"
sleep 1.5 # the source reads the group's lag once a second
curl -s "http://127.0.0.1:$PB/v1/sources"; echo
curl -s "http://127.0.0.1:$PB/metrics" | grep -E '^persona_(source_(lag|pending|entries_total|claimed_total|dead_lettered_total)|events_total)'
grep -E "Claimed|Re-reading" "$W/b.log" || true

echo "== comparison with the single-node reference"
serve ref $PR "$W/ref"
serve neg $PN "$W/neg"
health "http://127.0.0.1:$PR"
health "http://127.0.0.1:$PN"
position() { curl -s "http://127.0.0.1:$1/health" | python3 -c "import json,sys; print(json.load(sys.stdin)['logPosition'])"; }
letters=$(curl -s "http://127.0.0.1:$PB/v1/deadletter?limit=1000" | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
bad=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['first']['bad']+d['second']['bad'])" "$W/feed.json")
status=0
echo "log position: B $(position $PB), reference $(position $PR); dead letters on B: $letters (unreadable entries sent: $bad)"
[ "$(position $PB)" = "$(position $PR)" ] && [ "$letters" = "$bad" ] || status=1
echo -n "B vs reference: "
python3 bench/stream/compare.py "$W/shop/events.ndjson" "http://127.0.0.1:$PB" "http://127.0.0.1:$PR" || status=1
echo -n "negative control, reference vs reference missing one event (must find 1 different user): "
python3 bench/stream/compare.py "$W/shop/events.ndjson" "http://127.0.0.1:$PR" "http://127.0.0.1:$PN" | tee "$W/negative.json" || true
grep -q '"different": 1,' "$W/negative.json" || status=1
[ "$status" -eq 0 ] && echo "PASS" || echo "FAIL"
exit $status
