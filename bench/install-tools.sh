#!/usr/bin/env bash
# Installs, from Debian's packages, the programs that tests and benchmarks drive, when they are
# missing:
#   bench/install-tools.sh          redis-cli and redis-benchmark (package redis-tools), for the
#                                   --protocol tcp tests
#   bench/install-tools.sh server   and redis-server (package redis-server), for bench/redis.sh
#   bench/install-tools.sh load     wrk (package wrk), for bench/accept.sh and bench/footprint.sh
#   bench/install-tools.sh nginx    nginx (nginx-light where Debian still has it), for bench/pause.sh
#   bench/install-tools.sh promtool promtool (package prometheus), which checks /metrics in the tests
#   bench/install-tools.sh systemd  systemd-analyze (package systemd), which checks deploy/systemd
#   bench/install-tools.sh logrotate logrotate, which checks deploy/logrotate
#   bench/install-tools.sh chromium the headless browser that loads the dashboard in the tests
#   bench/install-tools.sh node     node and npm (packages nodejs, npm), for bench/kubernetes-models.sh
# Exit 0: everything asked for is there. Exit 3: missing, and this is not root (or has no apt-get):
# the message says what to install.
set -euo pipefail

missing=()
if [ "${1:-}" = load ]; then
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
elif [ "${1:-}" = nginx ]; then
    command -v nginx >/dev/null 2>&1 || missing+=(nginx)
elif [ "${1:-}" = promtool ]; then
    command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
elif [ "${1:-}" = systemd ]; then
    command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
elif [ "${1:-}" = logrotate ]; then
    command -v logrotate >/dev/null 2>&1 || missing+=(logrotate)
elif [ "${1:-}" = chromium ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
elif [ "${1:-}" = node ]; then
    { command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; } || missing+=(nodejs npm)
elif ! command -v redis-cli >/dev/null 2>&1 || ! command -v redis-benchmark >/dev/null 2>&1; then
    missing+=(redis-tools)
fi
if [ "${1:-}" = server ] && ! command -v redis-server >/dev/null 2>&1; then
    missing+=(redis-server)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-tools: needs ${missing[*]}: run 'apt-get install ${missing[*]}' as root" >&2
    exit 3
fi

# The redis-server package would start a system-wide server on port 6379 where an init system
# runs; herd's scripts start their own. policy-rc.d (Debian's invoke-rc.d protocol) answers
# 101, "action forbidden", to every service start during this install; one already there is kept.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
fi

echo "install-tools: installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
if [[ " ${missing[*]} " == *" nginx "* ]] && apt-cache show nginx-light >/dev/null 2>&1; then
    missing=("${missing[@]/#nginx/nginx-light}")
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
