#!/usr/bin/env bash
# make perf-transport: issue 8's transport comparison (a benchmark, not a test).
# One mock (TTFT 50 ms, ITL 10 ms) pinned to core 0; bench.perf.TransportCompare pinned to core 1,
# once per transport and point, each in a fresh JVM; all traffic on 127.0.0.1.
# Result lines go to $OUT (default results/perf/transport.jsonl), then a Markdown table is printed.
# Knobs (environment): TRANSPORTS="nio epoll netty", POINTS="64:256 256:1024 512:4096" (streams:requests),
# WARMUP=1500, MAX_TOKENS=128, EXTRA_ARGS (passed to every TransportCompare run),
# CLIENT_JAVA_OPTS (extra JVM options of the TransportCompare runs), REPEAT=1 (rounds; even rounds
# run the transports in reverse order). With REPEAT > 1 the table also shows medians per point.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"

jar=target/bench.jar
if [ ! -f "$jar" ]; then
  echo "perf-transport: $jar not found; run make build first" >&2
  exit 1
fi
java_home=$(src/main/sh/java-home.sh)
java="$java_home/bin/java"
out=${OUT:-results/perf/transport.jsonl}
read -r -a transports <<<"${TRANSPORTS:-nio epoll netty}"
read -r -a points <<<"${POINTS:-64:256 256:1024 512:4096}"
read -r -a extra <<<"${EXTRA_ARGS:-}"
warmup=${WARMUP:-1500}
repeat=${REPEAT:-1}
if ! [[ "$repeat" =~ ^[1-9][0-9]*$ ]]; then
  echo "perf-transport: REPEAT must be a whole number >= 1, not '$repeat'" >&2
  exit 2
fi
max_tokens=${MAX_TOKENS:-128}
jvm_opts=(-Xms256m -XX:+UseG1GC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED)
read -r -a client_opts <<<"${CLIENT_JAVA_OPTS:-}"

pin_mock=()
pin_client=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  pin_mock=(taskset -c 0)
  pin_client=(taskset -c 1)
else
  echo "perf-transport: fewer than 2 cores or no taskset: running unpinned" >&2
fi

tmp=$(mktemp -d)
mock_pid=""
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  if [ -n "$mock_pid" ]; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"${pin_mock[@]}" ./bench mock --host 127.0.0.1 --port 0 --port-file "$tmp/port" \
  --ttft-ms 50 --itl-ms 10 --default-max-tokens "$max_tokens" >"$tmp/mock.log" 2>&1 &
mock_pid=$!

# wait (at most 60 s) for the port file, then for /health
port=""
for _ in $(seq 600); do
  if [ -s "$tmp/port" ]; then
    port=$(cat "$tmp/port")
    if curl -fsS --max-time 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      break
    fi
  fi
  if ! kill -0 "$mock_pid" 2>/dev/null; then
    echo "perf-transport: the mock exited:" >&2
    cat "$tmp/mock.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$port" ] || ! curl -fsS --max-time 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
  echo "perf-transport: the mock did not become healthy within 60 s" >&2
  cat "$tmp/mock.log" >&2
  exit 1
fi
echo "mock pid $mock_pid on http://127.0.0.1:$port (core 0); client on core 1"

mkdir -p "$(dirname "$out")"
: >"$out"
failed=0
for ((round = 1; round <= repeat; round++)); do
  order=("${transports[@]}")
  if ((round % 2 == 0)); then
    order=()
    for ((i = ${#transports[@]} - 1; i >= 0; i--)); do
      order+=("${transports[i]}")
    done
  fi
  for t in "${order[@]}"; do
    for p in "${points[@]}"; do
      streams=${p%%:*}
      requests=${p#*:}
      echo "== round $round: $t streams=$streams requests=$requests warmup=$warmup"
      if "${pin_client[@]}" "$java" "${jvm_opts[@]}" "${client_opts[@]}" -cp "$jar" bench.perf.TransportCompare \
          --transport "$t" --base-url "http://127.0.0.1:$port" --streams "$streams" --requests "$requests" \
          --warmup-requests "$warmup" --max-tokens "$max_tokens" "${extra[@]}" \
          >"$tmp/line" 2>"$tmp/err"; then
        cat "$tmp/line" >>"$out"
      else
        failed=1
        echo "perf-transport: $t at $streams streams failed:" >&2
        grep -v 'Unsafe\|sun.misc' "$tmp/err" >&2 || true
        cat "$tmp/line" >>"$out"
      fi
    done
  done
done
echo
echo "results: $out"
"$java" -cp "$jar" bench.perf.TransportCompare --table "$out"
exit "$failed"
