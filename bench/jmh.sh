#!/usr/bin/env bash
# JMH benchmarks of herd's hot paths (herd-bench, package dev.herd.bench.jmh), in-process, no
# sockets. Arguments go to JMH: a benchmark name pattern, -f/-wi/-i, -prof gc, ... (-h lists them).
#   bench/jmh.sh                   every benchmark
#   bench/jmh.sh HttpPathBench     one of them
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/run-main.sh" org.openjdk.jmh.Main "$@"
