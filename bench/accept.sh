#!/usr/bin/env bash
# The accept strategies side by side (herd's race on NIO and on epoll, epoll's exclusive wake-up, a
# socket per handler with SO_REUSEPORT):
# throughput, CPU per request, p99, fairness over the handlers and lost races, under keep-alive and
# connection-per-request load. See bench/accept.py for what is measured and its knobs.
#   bench/accept.sh                       3 repetitions, 2 handlers
#   REPS=1 DURATION=5 bench/accept.sh     a quick look
# Load goes to 127.0.0.1 only and is bounded in time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/bench/install-tools.sh" wrk >/dev/null
"$root/herd" build
exec python3 "$root/bench/accept.py"
