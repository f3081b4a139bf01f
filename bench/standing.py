#!/usr/bin/env python3
"""herd's standing in one run of the peer benchmark (bench/peers.sh).

Reads RESULT_DIR/raw.tsv (rep, peer, metric, value) and prints two Markdown tables, also written
to RESULT_DIR/standing.md: the medians over the repetitions of seven figures per peer, and the
ratios of a reference herd peer's figures to every other peer's, with a mark where a ratio meets
the project's target. The reference is HERD_REF, or else the run's first peer named herd*.

Usage: bench/standing.py RESULT_DIR
"""
import csv
import os
import statistics
import sys
from collections import defaultdict
from pathlib import Path

# (key, row label, short column label, kind, unit scale, figure format); kind "rate" is better
# higher, "p99" and "memory" better lower. "*_per_cpu" keys are derived per repetition.
METRICS = [
    ("ka_rps", "keep-alive req/s", "KA req/s", "rate", 1, "{:,.0f}"),
    ("ka_per_cpu", "keep-alive req per server CPU-second", "KA req per CPU-s", "rate", 1, "{:,.0f}"),
    ("close_rps", "connection-close req/s", "close req/s", "rate", 1, "{:,.0f}"),
    ("close_per_cpu", "connection-close req per server CPU-second", "close req per CPU-s", "rate", 1, "{:,.0f}"),
    ("ka_p99_us", "keep-alive p99 ms", "KA p99", "p99", 1e-3, "{:.2f}"),
    ("close_p99_us", "connection-close p99 ms", "close p99", "p99", 1e-3, "{:.2f}"),
    ("idle_pss_kb", "PSS of all processes idle (MiB)", "PSS idle", "memory", 1 / 1024, "{:.1f}"),
]
SMALLER_PEERS = ("apache-", "gunicorn-", "uwsgi", "java-httpserver")
LEGEND = ("✓ meets the target: req/s and req per CPU-s ≥ 1.0 against nginx and ≥ 3.0 against "
          "`apache-*`, `gunicorn-*`, `uwsgi*`, `java-httpserver*`; p99 ≤ 1.5× nginx's.")


def read(result):
    """Values by (peer, metric) and repetition, and the peers in the order the run named them."""
    values = defaultdict(dict)
    with open(result / "raw.tsv", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            try:
                values[(row["peer"], row["metric"])][row["rep"]] = float(row["value"])
            except ValueError:
                pass
    named = []  # PEERS in order, peers that could not run included
    if (result / "peers.tsv").exists():
        named = [line.split("\t")[0] for line in (result / "peers.tsv").read_text().splitlines() if line]
    peers = list(dict.fromkeys(named + [p for p, _ in values]))
    for peer in peers:
        for tag in ("ka", "close"):
            rps, cpu = values.get((peer, f"{tag}_rps"), {}), values.get((peer, f"{tag}_server_cpu_pct"), {})
            values[(peer, f"{tag}_per_cpu")] = {r: rps[r] / (cpu[r] / 100) for r in rps if cpu.get(r, 0) > 0}
    return values, peers


def median(values, peer, key, scale=1):
    v = values.get((peer, key), {}).values()
    return statistics.median(v) * scale if v else None


def target(kind, peer):
    """The ratio herd/peer the project aims at for this figure ('>=' or '<=' it), or None."""
    if kind == "rate" and peer == "nginx":
        return ">=", 1.0
    if kind == "rate" and peer.startswith(SMALLER_PEERS):
        return ">=", 3.0
    if kind == "p99" and peer == "nginx":
        return "<=", 1.5
    return None


def ratio_cell(ref, peer, values, key, kind):
    a, b = median(values, ref, key), median(values, peer, key)
    if a is None or not b:
        return "n/a"
    text = f"{a / b:.2f}" if kind == "rate" else f"{a / b:.1f}×"
    goal = target(kind, peer)
    shown = float(text.rstrip("×"))  # judged as printed, so a cell never contradicts its own figure
    if goal and (shown >= goal[1] if goal[0] == ">=" else shown <= goal[1]):
        text += " ✓"
    return text


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def standing(result):
    values, peers = read(result)
    peers = [p for p in peers if p.startswith("herd")] + [p for p in peers if not p.startswith("herd")]
    reps = max((len(v) for (_, m), v in values.items() if m == "ka_rps"), default=0)
    out = [f"## herd's standing ({result.name})", "",
           f"### Figures (medians over {reps} repetition(s))", ""]
    rows = []
    for key, label, _, _, scale, fmt in METRICS:
        figures = (median(values, p, key, scale) for p in peers)
        rows.append([label] + ["n/a" if v is None else fmt.format(v) for v in figures])
    out += table([""] + peers, rows)
    ref = os.environ.get("HERD_REF") or next((p for p in peers if p.startswith("herd")), None)
    if ref is None:
        return out + ["", "No herd peer in this run: no ratios."]
    if ref not in peers:
        return out + ["", f"HERD_REF={ref} is not a peer of this run: no ratios."]
    out += ["", f"### {ref} / peer ratios (req/s and req per CPU-s: higher is better; p99 and PSS: {ref}'s as "
                f"a multiple of the peer's, lower is better)", ""]
    rows = [[p] + [ratio_cell(ref, p, values, key, kind) for key, _, _, kind, _, _ in METRICS]
            for p in peers if p != ref]
    out += table([f"{ref} / peer"] + [short for _, _, short, _, _, _ in METRICS], rows)
    return out + ["", LEGEND]


def main():
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "raw.tsv").is_file():
        sys.exit("usage: bench/standing.py RESULT_DIR   (a directory with the raw.tsv of a peer benchmark run)")
    result = Path(sys.argv[1]).resolve()
    text = "\n".join(standing(result)) + "\n"
    print(text, end="")
    (result / "standing.md").write_text(text)


if __name__ == "__main__":
    main()
