#!/usr/bin/env bash
# Test stand-ins for vllm and vllm-router, used only by tests (never for production): the
# executables `vllm` and `vllm-router` beside this file are links to it. Each process records how
# it was started, then becomes bench's mock in place of the real program:
#
#   vllm serve ...   -> bench mock with the engine model, serving like the engine it replaces:
#                       --host/--port/--model from the arguments, --role prefill for a kv_producer
#                       and decode for a kv_consumer (--kv-transfer-config, JSON or the dotted
#                       form), --data-parallel-size as given. A --headless follower has no HTTP
#                       server in vLLM: it records, then only stays alive (STANDIN_HEADLESS_SEC,
#                       default 3600).
#   vllm-router ...  -> bench mock router with the same arguments.
#
# A wildcard --host (0.0.0.0) becomes the address this node's name resolves to (a lab address
# on the test cluster), else 127.0.0.1: a stand-in never listens on every interface.
# Arguments are taken verbatim (JSON, quotes, $, spaces): they are only ever passed as words.
#
# Environment:
#   STANDIN_RECORD_DIR  where each process writes <hostname>-<tool>-<pid>.json: tool, hostname,
#                       pid, cwd, argv, env (VLLM_*, NCCL_*, GLOO_*, FI_*, CUDA_VISIBLE_DEVICES,
#                       SLURM_JOB_ID, SLURM_STEP_ID, SLURMD_NODENAME) and exec (the command it
#                       became); unset: no record
#   BENCH               the bench launcher (default: this repository's ./bench, which runs
#                       target/bench.jar: make build first)
#   STANDIN_JAVA_OPTS   JVM options of the mocks (default: small heap, C1 only: quick start)
#   STANDIN_PREFILL_TPS, STANDIN_ITL_MS   the engine model (default 200000 tokens/s, 2 ms)
#   STANDIN_FAIL_HOST   vllm on this host exits with status 3 during start-up, as if it failed
set -euo pipefail

tool=$(basename "$0")
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../../.." && pwd)
export BENCH_JAVA_OPTS="${STANDIN_JAVA_OPTS:--Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData --enable-native-access=ALL-UNNAMED}"

die() {
  echo "$tool (test stand-in): $*" >&2
  exit 2
}

# json_string S: S as a JSON string literal
json_string() {
  local s=$1 c i
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  for ((i = 1; i < 32; i++)); do
    printf -v c '%b' "\\x$(printf %02x "$i")"
    if [[ $s == *"$c"* ]]; then s=${s//"$c"/$(printf '\\u%04x' "$i")}; fi
  done
  printf '"%s"' "$s"
}

# json_array WORD...: the words as a JSON array of strings
json_array() {
  local first=1 w
  printf '['
  for w in "$@"; do
    if [ "$first" = 0 ]; then printf ','; fi
    first=0
    json_string "$w"
  done
  printf ']'
}

this_host() { hostname -s 2>/dev/null || hostname; }

# bind_address HOST: HOST, or for a wildcard this node's (non-loopback) address, else 127.0.0.1
bind_address() {
  case $1 in
    0.0.0.0 | :: | '[::]' | '')
      local ip
      ip=$(getent ahostsv4 "$(this_host)" 2>/dev/null | awk '$1 !~ /^127\./ { print $1; exit }')
      echo "${ip:-127.0.0.1}"
      ;;
    *) echo "$1" ;;
  esac
}

# record ARGV_JSON EXEC_WORD...: writes this process's record (atomically: the reader never sees half)
record() {
  local argv=$1 dir=${STANDIN_RECORD_DIR:-} name env_json="{" first=1 file
  shift
  [ -n "$dir" ] || return 0
  while read -r name; do
    case $name in
      VLLM_* | NCCL_* | GLOO_* | FI_* | CUDA_VISIBLE_DEVICES | SLURM_JOB_ID | SLURM_STEP_ID | SLURMD_NODENAME)
        if [ "$first" = 0 ]; then env_json+=","; fi
        first=0
        env_json+="$(json_string "$name"):$(json_string "${!name}")"
        ;;
    esac
  done < <(compgen -e | sort)
  env_json+="}"
  # each piece in its own assignment, so that a substitution cut short (a signal during a
  # shutdown) stops here under set -e instead of leaving a hole in the JSON
  local host tool_json host_json cwd_json exec_json
  host=$(this_host)
  tool_json=$(json_string "$tool")
  host_json=$(json_string "$host")
  cwd_json=$(json_string "$PWD")
  exec_json=$(json_array "$@")
  file="$dir/$host-$tool-$$.json"
  printf '{"tool":%s,"hostname":%s,"pid":%s,"cwd":%s,"argv":%s,"env":%s,"exec":%s}\n' \
    "$tool_json" "$host_json" "$$" "$cwd_json" "$argv" "$env_json" "$exec_json" >"$file.tmp"
  mv "$file.tmp" "$file"
}

find_bench() {
  local bench=${BENCH:-$root/bench}
  [ -x "$bench" ] || die "bench not found at $bench: set BENCH or run make build"
  echo "$bench"
}

vllm() {
  [ "${1:-}" = serve ] || die "only 'vllm serve ...' is supported, got: $*"
  local argv_json args n i a next host=127.0.0.1 port=8000 model="" dp=1 headless=0 kv_config="" kv_role="" role
  argv_json=$(json_array "$@")
  shift
  args=("$@")
  n=${#args[@]}
  for ((i = 0; i < n; i++)); do
    a=${args[i]}
    next=${args[i + 1]:-}
    case $a in
      --host) host=$next ;;
      --host=*) host=${a#*=} ;;
      --port) port=$next ;;
      --port=*) port=${a#*=} ;;
      --model) model=$next ;;
      --model=*) model=${a#*=} ;;
      --data-parallel-size | -dp) dp=$next ;;
      --data-parallel-size=*) dp=${a#*=} ;;
      --headless) headless=1 ;;
      --kv-transfer-config) kv_config=$next ;;
      --kv-transfer-config=*) kv_config=${a#*=} ;;
      --kv-transfer-config.kv_role) kv_role=$next ;;
      --kv-transfer-config.kv_role=*) kv_role=${a#*=} ;;
    esac
  done
  if [ -z "$model" ] && [ "$n" -gt 0 ] && [[ ${args[0]} != -* ]]; then model=${args[0]}; fi # vllm serve MODEL
  if [ -n "$kv_config" ] && [[ $kv_config =~ \"kv_role\"[[:space:]]*:[[:space:]]*\"([A-Za-z_]+)\" ]]; then
    kv_role=${BASH_REMATCH[1]}
  fi
  case $kv_role in
    kv_producer) role=prefill ;;
    kv_consumer) role=decode ;;
    kv_both | "") role=both ;;
    *) die "unknown kv_role '$kv_role'" ;;
  esac
  [[ $port =~ ^[0-9]+$ ]] || die "bad --port '$port'"
  [[ $dp =~ ^[0-9]+$ ]] || die "bad --data-parallel-size '$dp'"

  local command
  if [ "$headless" = 1 ]; then
    command=(sleep "${STANDIN_HEADLESS_SEC:-3600}")
  else
    command=("$(find_bench)" mock --host "$(bind_address "$host")" --port "$port" --model "${model:-standin-model}"
      --role "$role" --data-parallel-size "$dp" --prefill-tps "${STANDIN_PREFILL_TPS:-200000}"
      --itl-ms "${STANDIN_ITL_MS:-2}")
  fi
  record "$argv_json" "${command[@]}"
  echo "vllm (test stand-in) on $(this_host): serve ${args[*]}"
  if [ "${STANDIN_FAIL_HOST:-}" = "$(this_host)" ]; then
    echo "RuntimeError: engine start-up failed (test stand-in: STANDIN_FAIL_HOST=$STANDIN_FAIL_HOST)" >&2
    exit 3
  fi
  if [ "$headless" = 1 ]; then
    echo "headless: this node's ranks are served by the head at --data-parallel-address; no HTTP server here"
  fi
  exec "${command[@]}"
}

vllm_router() {
  local argv_json args n i command
  argv_json=$(json_array "$@")
  args=("$@")
  n=${#args[@]}
  for ((i = 0; i < n; i++)); do
    case ${args[i]} in
      --host) if [ $((i + 1)) -lt "$n" ]; then args[i + 1]=$(bind_address "${args[i + 1]}"); fi ;;
      --host=*) args[i]=--host=$(bind_address "${args[i]#*=}") ;;
    esac
  done
  command=("$(find_bench)" mock router "${args[@]}")
  record "$argv_json" "${command[@]}"
  echo "vllm-router (test stand-in) on $(this_host): $*"
  exec "${command[@]}"
}

case $tool in
  vllm) vllm "$@" ;;
  vllm-router) vllm_router "$@" ;;
  *) die "run me as vllm or vllm-router (links to this file)" ;;
esac
