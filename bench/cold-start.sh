#!/usr/bin/env bash
# No cold-start stall? From the moment a fresh pool reports ready, an open-loop load of new
# connections (latency from each request's scheduled start), then the same load on the warm pool.
#   bench/cold-start.sh                         2 handlers, 1000 connections/s, 2 s, 3 rounds
#   bench/cold-start.sh 3 1000 2 5 -- --accept exclusive     HANDLERS RATE SECONDS ROUNDS -- serve options
# Load goes to 127.0.0.1 only and is bounded in time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
handlers=${1:-2}; rate=${2:-1000}; seconds=${3:-2}; rounds=${4:-3}
shift $(($# < 4 ? $# : 4))
[ "${1:-}" = -- ] && shift
exec "$root/bench/run-main.sh" dev.herd.bench.ColdStart "$root/herd" "$handlers" "$rate" "$seconds" "$rounds" "$@"
