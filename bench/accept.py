#!/usr/bin/env python3
"""How the accept strategies compare: herd's race on NIO and on epoll, epoll's exclusive wake-up, and a
socket per handler (SO_REUSEPORT).

For each strategy, in turn and in REPS interleaved repetitions, a fresh `herd serve --handlers N`
(static, demo app, 127.0.0.1) is warmed up, then loaded with wrk -t1 -c50 for DURATION seconds with
keep-alive and with a new connection per request. Around each load run it reads the server's
/status.json and the CPU time of its processes, and prints, per strategy and load (medians over the
repetitions): requests/s, server CPU microseconds per request, p99 latency, the spread of accepted
connections and of requests over the handlers (max/min and Jain's fairness index, 1.0 = even), and
the lost races per accepted connection (loops woken for a connection another loop took).

Run through bench/accept.sh, which builds herd first. Knobs (environment): REPS (3), DURATION (8),
HANDLERS (2), STRATEGIES (all: nio-herd epoll-herd epoll-exclusive epoll-reuseport).
"""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERD = str(ROOT / "herd")
REPS = int(os.environ.get("REPS", "3"))
DURATION = int(os.environ.get("DURATION", "8"))
HANDLERS = int(os.environ.get("HANDLERS", "2"))
STRATEGY_ARGS = {
    "nio-herd": ["--transport", "nio", "--accept", "herd"],
    "epoll-herd": ["--transport", "epoll", "--accept", "herd"],
    "epoll-exclusive": ["--transport", "epoll", "--accept", "exclusive"],
    "epoll-reuseport": ["--transport", "epoll", "--accept", "reuseport"],
}
STRATEGIES = os.environ.get("STRATEGIES", " ".join(STRATEGY_ARGS)).split()
LOADS = {"keep-alive": [], "close": ["-H", "Connection: close"]}
HZ = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_ticks(pid):
    """utime + stime of pid and its children (the spawner and its handlers)."""
    total = 0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def status(admin):
    with urllib.request.urlopen(f"http://{admin}/status.json", timeout=5) as r:
        return json.load(r)


def per_handler(doc):
    return {h["pid"]: h for h in doc["handlers"]}


def wait_ready(port, admin, server, deadline=120):
    end = time.time() + deadline
    while time.time() < end:
        if server.poll() is not None:
            sys.exit(f"herd exited with {server.returncode}")
        try:
            doc = status(admin)
            ready = [h for h in doc["handlers"] if h.get("state") in ("idle", "busy")]
            if len(ready) >= HANDLERS:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("herd did not get ready")


def wrk(port, extra, seconds):
    out = subprocess.run(["wrk", "-t1", "-c50", f"-d{seconds}s", "--timeout", "2s", "--latency", *extra,
                          f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", out, re.M)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    return rps, float(p99.group(1)) * scale


def jain(values):
    values = [v for v in values]
    if not values or sum(values) == 0:
        return float("nan")
    return sum(values) ** 2 / (len(values) * sum(v * v for v in values))


def spread(values):
    return max(values) / min(values) if min(values) > 0 else float("inf")


def measure(strategy):
    port, admin_port = free_port(), free_port()
    admin = f"127.0.0.1:{admin_port}"
    server = subprocess.Popen([HERD, "serve", "--bind", f"127.0.0.1:{port}", "--admin", admin,
                               "--handlers", str(HANDLERS), *STRATEGY_ARGS[strategy]],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = {}
    try:
        wait_ready(port, admin, server)
        wrk(port, [], 3)  # warm-up, discarded
        for load, extra in LOADS.items():
            before, t0, c0 = per_handler(status(admin)), time.time(), tree_ticks(server.pid)
            rps, p99 = wrk(port, extra, DURATION)
            c1, t1, after = tree_ticks(server.pid), time.time(), per_handler(status(admin))
            requests = rps * (t1 - t0)
            delta = {pid: {k: after[pid][k] - before.get(pid, {}).get(k, 0)
                           for k in ("accepts_won", "accepts_lost", "requests")} for pid in after}
            won = [d["accepts_won"] for d in delta.values()]
            served = [d["requests"] for d in delta.values()]
            rows[load] = {
                "req/s": rps,
                "CPU µs/req": (c1 - c0) / HZ / requests * 1e6,
                "p99 ms": p99,
                "accepts max/min": spread(won),
                "accepts Jain": jain(won),
                "requests max/min": spread(served),
                "requests Jain": jain(served),
                "lost per accept": sum(d["accepts_lost"] for d in delta.values()) / max(1, sum(won)),
            }
    finally:
        server.terminate()
        server.wait(timeout=60)
    return rows


def main():
    results = {s: {l: [] for l in LOADS} for s in STRATEGIES}
    for rep in range(REPS):
        order = STRATEGIES[rep % len(STRATEGIES):] + STRATEGIES[:rep % len(STRATEGIES)]
        for strategy in order:
            print(f"rep {rep + 1}/{REPS}: {strategy}", file=sys.stderr)
            for load, row in measure(strategy).items():
                results[strategy][load].append(row)
    columns = list(next(iter(next(iter(results.values())).values()))[0].keys())
    print(f"\naccept strategies: herd serve --handlers {HANDLERS} (static, demo app), wrk -t1 -c50 "
          f"{DURATION} s per load, medians of {REPS} interleaved repetitions, {os.cpu_count()} CPUs shared "
          f"with the load generator\n")
    print("| strategy | load | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for strategy in STRATEGIES:
        for load in LOADS:
            rows = results[strategy][load]
            cells = []
            for c in columns:
                v = statistics.median(r[c] for r in rows)
                cells.append(f"{v:,.0f}" if c == "req/s" else f"{v:.2f}" if v < 100 else f"{v:.0f}")
            print(f"| {strategy} | {load} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
