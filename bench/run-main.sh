#!/usr/bin/env bash
# Builds herd if needed and runs a benchmark program of herd-bench on the JDK 25 the launcher uses.
#   bench/run-main.sh dev.herd.bench.CLASS [ARGS...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/herd" build
java="$("$root/herd" java-home)/bin/java"
jar="$(ls "$root"/herd-bench/target/herd-bench-*.jar | head -n 1)"
cd "$root/herd-bench"
exec "$java" @"$root/herd-common/src/main/resources/dev/herd/os/every-jvm.args" -cp "$jar:$(cat "$root/herd-bench/target/runtime.classpath")" "$@"
