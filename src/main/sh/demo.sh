#!/usr/bin/env bash
# make demo: start the mock on 127.0.0.1 (a free port), measure it with bench run, save the
# result under results/demo/, stop the mock (by its pid) whatever happens.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
out="results/demo"
mkdir -p "$out"
port_file=$(mktemp)
mock_log="$out/mock.log"
mock_pid=""
cleanup() {
  if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  rm -f "$port_file"
}
trap cleanup EXIT INT TERM

./bench mock --host 127.0.0.1 --port 0 --port-file "$port_file" --ttft-ms 50 --itl-ms 10 >"$mock_log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 300); do
  [ -s "$port_file" ] && break
  kill -0 "$mock_pid" 2>/dev/null || { echo "demo: the mock exited; see $mock_log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$port_file" ] || { echo "demo: the mock did not start within 30 s; see $mock_log" >&2; exit 1; }
port=$(tr -d '[:space:]' <"$port_file")
echo "demo: mock on http://127.0.0.1:$port (TTFT 50 ms, ITL 10 ms)"

./bench run --base-url "http://127.0.0.1:$port" --input-len 128 --output-len 64 --num-prompts 200 \
  --max-concurrency 32 --seed 1 --label demo --save-result --save-detailed --result-dir "$out" \
  --result-filename demo.json
echo "demo: result in $out/demo.json, per-request lines in $out/demo.requests.jsonl"
