#!/usr/bin/env bash
# Installs the programs that tests and benchmarks drive, from Debian's packages (and one npm
# package), when they are missing. Idempotent: what is there is left alone.
#
#   bench/install-tools.sh TOOL...                   those tools
#   bench/install-tools.sh tests [--without T,...]   every tool the tests need (what ./herd test and
#                                                    ./herd test-tools run), less the ones named
#
# Tools (program: Debian package):
#   redis         redis-cli, redis-benchmark: redis-tools       tests (--protocol tcp), bench/redis.sh
#   redis-server  redis-server: redis-server                    bench/redis.sh
#   promtool      promtool: prometheus                          tests (checks /metrics)
#   chromium      chromium: chromium                            tests (loads the dashboard)
#   systemd       systemd-analyze: systemd                      tests (checks deploy/systemd)
#   logrotate     logrotate: logrotate                          tests (checks deploy/logrotate)
#   node          node, npm: nodejs, npm; and the kubernetes-models npm package
#                 (bench/kubernetes-models.sh)                  tests (checks deploy/kubernetes)
#   tls           curl, openssl, h2load, testssl: curl, openssl,
#                 nghttp2-client, testssl.sh                    tests (TLS and HTTP/2), bench/tls.sh
#   wrk           wrk: wrk                                      bench/accept.sh, footprint.sh, profile.sh
#   nginx         nginx: nginx-light where Debian still has it  the benchmarks' peer
#
# Exit 0: every tool asked for is there. Exit 3: some are missing and could not be installed (not
# root, no apt-get, or the package could not be had); the message says which and what to do.
# Exit 2: an unknown tool.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

test_tools=(redis promtool chromium systemd logrotate node tls)

programs_of() {
    case "$1" in
        redis) echo redis-cli redis-benchmark ;;
        redis-server) echo redis-server ;;
        promtool) echo promtool ;;
        chromium) echo chromium ;;
        systemd) echo systemd-analyze ;;
        logrotate) echo logrotate ;;
        node) echo node npm ;;
        tls) echo curl openssl h2load testssl ;;
        wrk) echo wrk ;;
        nginx) echo nginx ;;
        *) return 1 ;;
    esac
}

packages_of() {
    case "$1" in
        redis) echo redis-tools ;;
        promtool) echo prometheus ;;
        node) echo nodejs npm ;;
        tls) echo curl openssl nghttp2-client testssl.sh ;;
        nginx) if apt-cache show nginx-light >/dev/null 2>&1; then echo nginx-light; else echo nginx; fi ;;
        *) echo "$1" ;;
    esac
}

present() {
    local program
    for program in $(programs_of "$1"); do
        command -v "$program" >/dev/null 2>&1 || return 1
    done
}

tools=() without=""
while [ $# -gt 0 ]; do
    case "$1" in
        tests) tools+=("${test_tools[@]}") ;;
        --without) without="${2:-}"; shift ;;
        --without=*) without="${1#--without=}" ;;
        *) tools+=("$1") ;;
    esac
    shift
done
[ ${#tools[@]} -gt 0 ] || { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

wanted=() missing=()
for tool in "${tools[@]}"; do
    programs_of "$tool" >/dev/null || {
        echo "install-tools: unknown tool '$tool' (known: redis redis-server promtool chromium systemd logrotate node tls wrk nginx, or tests)" >&2
        exit 2
    }
    [[ ",$without," == *",$tool,"* ]] && continue
    wanted+=("$tool")
    present "$tool" || missing+=("$tool")
done
for tool in ${without//,/ }; do
    programs_of "$tool" >/dev/null || { echo "install-tools: unknown tool '$tool' in --without" >&2; exit 2; }
done

if [ ${#missing[@]} -gt 0 ]; then
    packages=()
    for tool in "${missing[@]}"; do read -ra p <<<"$(packages_of "$tool")"; packages+=("${p[@]}"); done
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "install-tools: missing ${missing[*]}: run 'apt-get install ${packages[*]}' as root" >&2
    else
        # The redis-server package would start a system-wide server on port 6379 where an init
        # system runs; herd's scripts start their own. policy-rc.d (Debian's invoke-rc.d protocol)
        # answers 101, "action forbidden", to every service start during this install; one already
        # there is kept.
        policy=/usr/sbin/policy-rc.d
        if [ ! -e "$policy" ]; then
            printf '#!/bin/sh\nexit 101\n' >"$policy"
            chmod 755 "$policy"
            trap 'rm -f "$policy"' EXIT
        fi
        echo "install-tools: installing ${packages[*]} (apt-get)" >&2
        export DEBIAN_FRONTEND=noninteractive
        log="$(mktemp -t herd-install-tools.XXXXXX)"
        # One package that cannot be had must not keep the others out: all at once first, then one by one.
        if { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
            rm -f "$log"
        else
            for package in "${packages[@]}"; do
                apt-get install -y -qq --no-install-recommends "$package" >>"$log" 2>&1 \
                    || echo "install-tools: apt-get could not install $package (see $log)" >&2
            done
        fi
    fi
fi

status=0 report=()
for tool in "${wanted[@]}"; do
    if ! present "$tool"; then
        report+=("$tool MISSING"); status=3
    elif [ "$tool" = node ] && ! "$root/bench/kubernetes-models.sh" >/dev/null; then
        report+=("node (kubernetes-models) MISSING"); status=3
    else
        report+=("$tool ok")
    fi
done
for tool in ${without//,/ }; do report+=("$tool left out (--without)"); done
(IFS=,; echo "install-tools: ${report[*]}" | sed 's/,/, /g') >&2
if [ $status -ne 0 ]; then
    echo "install-tools: the tests that need a MISSING tool will fail; install it as root (./herd test-tools)," \
        "or leave those tests out: ./herd test --without TOOL[,TOOL]" >&2
fi
exit $status
