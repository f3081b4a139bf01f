#!/usr/bin/env bash
# Prints the node_modules directory that holds kubernetes-models and js-yaml, which
# deploy/kubernetes/check.mjs validates the manifests with; installs them from the npm registry
# into ~/.cache/herd the first time (node and npm come from bench/install-tools.sh node, which
# runs this script too).
#   node deploy/kubernetes/check.mjs "$(bench/kubernetes-models.sh)" deploy/kubernetes/*.yaml
#   bench/kubernetes-models.sh --check   prints it only if it is installed, else exits 3
set -euo pipefail
dir="${XDG_CACHE_HOME:-$HOME/.cache}/herd/kubernetes-models-5.1.0"
if [ ! -f "$dir/node_modules/kubernetes-models/package.json" ] || [ ! -f "$dir/node_modules/js-yaml/package.json" ]; then
    if [ "${1:-}" = --check ]; then
        echo "kubernetes-models: not installed in $dir (./herd test-tools installs it)" >&2
        exit 3
    fi
    command -v npm >/dev/null 2>&1 || { echo "kubernetes-models: npm is missing: bench/install-tools.sh node" >&2; exit 3; }
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" kubernetes-models@5.1.0 js-yaml@4.1.0 >&2
fi
echo "$dir/node_modules"
