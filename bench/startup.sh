#!/usr/bin/env bash
# Measures how long `persona serve` takes to answer /health with 200 on an existing data directory, and the
# process's resident memory at that moment. Usage: bench/startup.sh DATA_DIR [PERSONA_DLL] [extra serve options]
set -euo pipefail
data=$1
dll=${2:-src/Persona.Cli/bin/Release/net10.0/persona.dll}
shift $(( $# >= 2 ? 2 : 1 ))
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start=$(date +%s.%N)
dotnet "$dll" serve --data-dir "$data" --urls "http://127.0.0.1:$port" "$@" >/tmp/startup-serve.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { echo "serve exited:"; cat /tmp/startup-serve.log; exit 1; }
  sleep 0.02
done
end=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
printf '{"seconds_to_healthy": %.2f, "rss_mb": %.0f, "peak_rss_mb": %.0f}\n' "$(echo "$end - $start" | bc)" "$(echo "$rss / 1024" | bc)" "$(echo "$hwm / 1024" | bc)"
