package dev.herd.spawner;

import dev.herd.scoreboard.SlotSnapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the spawner has counted since it started, for the metrics: handler restarts by cause,
 * changes of the target, reloads by outcome, and the counters of handlers that have exited, kept
 * per slot and generation so that a slot's counters go on rising across the handlers that fill
 * it. Used on the spawner thread; {@link #view} gives readers an immutable copy.
 */
public final class Counts {
    /** Why a handler was replaced: a label value of {@code herd_handler_restarts_total}. */
    enum Restart {
        /** It exited or was killed by something other than herd. */
        CRASH,
        /** A SIGKILL herd did not send, while the kernel's OOM-kill count rose. */
        OOM,
        /** herd killed it: its heartbeats stopped. */
        HUNG,
        /** It exited or hung before it was ready. */
        BOOT_FAILURE,
        /** Retired by --max-requests or --max-rss, its replacement ready first. */
        RECYCLED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Map<String, Long> restarts = new TreeMap<>();
    private final Map<String, Long> scaling = new TreeMap<>();
    private final Map<String, Long> reloads = new TreeMap<>();
    private final Map<SlotKey, Totals> exited = new HashMap<>();
    private long exitedRequests;
    /** The last {@link #view}, until something is counted. */
    private View view = View.NONE;

    /**
     * Immutable.
     *
     * @param exited         the counters of exited handlers whose generation still runs
     * @param exitedRequests the requests every exited handler answered since the start
     */
    public record View(Map<String, Long> restarts, Map<String, Long> scaling, Map<String, Long> reloads,
                       Map<SlotKey, Totals> exited, long exitedRequests) {
        public static final View NONE = new View(Map.of(), Map.of(), Map.of(), Map.of(), 0);
    }

    /** A slot as filled by one generation: the labels of a handler's series. */
    public record SlotKey(int slot, int generation) {
    }

    /** A handler's counters, as its scoreboard slot kept them. */
    public record Totals(long requests, long acceptsWon, long acceptsLost, long acceptErrors, long acceptsDeferred,
                         long rebalanceCloses, long limitCloses) {
        public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0);

        public static Totals of(SlotSnapshot s) {
            return new Totals(s.requests(), s.acceptsWon(), s.acceptsLost(), s.acceptErrors(), s.acceptsDeferred(),
                    s.rebalanceCloses(), s.limitCloses());
        }

        public Totals plus(Totals o) {
            return new Totals(requests + o.requests, acceptsWon + o.acceptsWon, acceptsLost + o.acceptsLost,
                    acceptErrors + o.acceptErrors, acceptsDeferred + o.acceptsDeferred,
                    rebalanceCloses + o.rebalanceCloses, limitCloses + o.limitCloses);
        }
    }

    void restart(Restart cause) {
        restarts.merge(cause.label(), 1L, Long::sum);
        view = null;
    }

    /** The target moved from {@code from} to {@code to}. */
    void scaled(int from, int to) {
        if (to != from) {
            scaling.merge(to > from ? "up" : "down", 1L, Long::sum);
            view = null;
        }
    }

    void reloaded(boolean ok) {
        reloads.merge(ok ? "reloaded" : "failed", 1L, Long::sum);
        view = null;
    }

    /** A handler of {@code generation} in {@code slot} exited with these counters in its slot. */
    void exited(int slot, int generation, SlotSnapshot last) {
        exited.merge(new SlotKey(slot, generation), Totals.of(last), Totals::plus);
        exitedRequests += last.requests();
        view = null;
    }

    /** Forgets the exited counters of generations no longer running. */
    void keepGenerations(Set<Integer> running) {
        if (exited.keySet().removeIf(k -> !running.contains(k.generation()))) {
            view = null;
        }
    }

    View view() {
        if (view == null) {
            view = new View(Map.copyOf(restarts), Map.copyOf(scaling), Map.copyOf(reloads), Map.copyOf(exited),
                    exitedRequests);
        }
        return view;
    }
}
