#!/usr/bin/env bash
# make perf: a benchmark, not a test. The mock on one core, the client on the other:
#   1. mock capacity: 2,000 open streams at ITL 100 ms (20,000 tokens/s); the mock's own
#      lateness against its schedule comes from GET /mock/stats.
#   2. client points at 64 and 512 streams, ITL 10 ms.
# Results: results/perf/<point>.json (bench run results) and results/perf/<point>-mock.json.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
out="results/perf"
mkdir -p "$out"

pin() { # pin CORE CMD...: run on one core when taskset exists and there are >= 2 cores
  local core="$1"
  shift
  if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    taskset -c "$core" "$@"
  else
    "$@"
  fi
}

mock_pid=""
stop_mock() {
  if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  mock_pid=""
}
trap stop_mock EXIT INT TERM

start_mock() { # start_mock TTFT_MS ITL_MS -> sets port
  local port_file
  port_file=$(mktemp)
  pin 0 ./bench mock --host 127.0.0.1 --port 0 --port-file "$port_file" --ttft-ms "$1" --itl-ms "$2" \
    >"$out/mock.log" 2>&1 &
  mock_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$port_file" ] && break
    sleep 0.1
  done
  port=$(tr -d '[:space:]' <"$port_file")
  rm -f "$port_file"
  [ -n "$port" ] || { echo "perf: the mock did not start; see $out/mock.log" >&2; exit 1; }
}

point() { # point NAME STREAMS PROMPTS INPUT OUTPUT
  local name="$1" streams="$2" prompts="$3" input="$4" output="$5"
  curl -s -X POST "http://127.0.0.1:$port/mock/reset" >/dev/null
  echo "== $name: $streams streams, $prompts prompts, input $input, output $output"
  pin 1 ./bench run --base-url "http://127.0.0.1:$port" --input-len "$input" --output-len "$output" \
    --num-prompts "$prompts" --max-concurrency "$streams" --request-rate inf --seed 1 --no-progress \
    --label "$name" --save-result --result-dir "$out" --result-filename "$name.json" \
    | grep -E "Successful|Failed|duration|Output token|Mean (TTFT|ITL)|P99 (TTFT|ITL)" || true
  curl -s "http://127.0.0.1:$port/mock/stats" >"$out/$name-mock.json"
  echo "mock ground truth: $(cat "$out/$name-mock.json")"
}

start_mock 50 100
point mock-2000-streams-itl100 2000 4000 16 50
stop_mock

start_mock 50 10
point client-64-streams 64 256 128 128
point client-512-streams 512 2048 128 128
stop_mock
