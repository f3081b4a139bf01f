#!/bin/sh
# Builds libherd-socket.so, the library a foreign handler loads with LD_PRELOAD, from herd_socket.c
# with the machine's C compiler ($CC, or cc). Maven runs it in herd-foreign's build; its one
# argument is the directory the library goes to (inside the jar's classes).
set -eu
out=$1
compiler=${CC:-cc}
if ! command -v "$compiler" >/dev/null 2>&1; then
    echo "herd-foreign: building libherd-socket.so needs a C compiler, and '$compiler' is not installed" \
        "(Debian, Ubuntu: apt-get install gcc; or set CC)" >&2
    exit 1
fi
mkdir -p "$out"
"$compiler" -std=c11 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror \
    -o "$out/libherd-socket.so" "$(dirname "$0")/herd_socket.c" -ldl
