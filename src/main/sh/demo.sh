#!/usr/bin/env bash
# make demo: the article's experiment on this machine. Each of the five topologies runs as
# bench mock engines on 127.0.0.1 behind the router stand-in, is measured with a small prefill
# and decode sweep, and is torn down; then the four figures are drawn. Results and figures:
# results/demo/ (a second run skips what is complete; remove results/demo to start over).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
./bench experiment demo --results-dir results "$@"
echo "demo: figures in results/demo/figures/, comparison in results/demo/compare.md"
