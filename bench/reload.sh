#!/usr/bin/env bash
# Reloads under load: a real herd on 127.0.0.1 serving clients with a connection per request and
# keep-alive clients, reloaded 5 times; per reload, the time to the new generation serving and to
# the old one gone, requests and failures meanwhile, latency. Prints a Markdown table. Load is
# bounded in time and aimed at 127.0.0.1 only.
#   bench/reload.sh
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/run-main.sh" dev.herd.bench.ReloadBench "$@"
