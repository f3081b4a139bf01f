#!/usr/bin/env bash
# Prints the node_modules directory that holds kubernetes-models and js-yaml, which
# deploy/kubernetes/check.mjs validates the manifests with; installs them from the npm registry
# into ~/.cache/herd the first time (node and npm through bench/install-tools.sh node).
#   node deploy/kubernetes/check.mjs "$(bench/kubernetes-models.sh)" deploy/kubernetes/*.yaml
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/bench/install-tools.sh" node
dir="${XDG_CACHE_HOME:-$HOME/.cache}/herd/kubernetes-models-5.1.0"
if [ ! -f "$dir/node_modules/kubernetes-models/package.json" ] || [ ! -f "$dir/node_modules/js-yaml/package.json" ]; then
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" kubernetes-models@5.1.0 js-yaml@4.1.0 >&2
fi
echo "$dir/node_modules"
