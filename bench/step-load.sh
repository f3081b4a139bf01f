#!/usr/bin/env bash
# Step-load benchmark of the scaling policies (static, spare, adaptive, with and without standby):
# a real herd on 127.0.0.1, idle, a step to 32 clients for STEP seconds (default 20), idle again.
# Prints a Markdown table. Load is bounded in time and aimed at 127.0.0.1 only.
#   bench/step-load.sh [STEP_SECONDS] [keepalive]
#   CONFIGS=adaptive,spare bench/step-load.sh         those configurations alone
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/run-main.sh" dev.herd.bench.StepLoad "$@"
