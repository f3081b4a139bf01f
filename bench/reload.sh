#!/usr/bin/env bash
# Reloads under load: a real herd on 127.0.0.1 serving clients with a connection per request and
# keep-alive clients, reloaded 5 times; per reload, the time to the new generation serving and to
# the old one gone, requests and failures meanwhile, latency. Prints a Markdown table. Load is
# bounded in time and aimed at 127.0.0.1 only.
#   bench/reload.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/herd" build
java="$("$root/herd" java-home)/bin/java"
jar="$(ls "$root"/herd-bench/target/herd-bench-*.jar | head -n 1)"
cd "$root/herd-bench"
exec "$java" --enable-native-access=ALL-UNNAMED -cp "$jar:$(cat "$root/herd-bench/target/runtime.classpath")" \
    dev.herd.bench.ReloadBench "$@"
