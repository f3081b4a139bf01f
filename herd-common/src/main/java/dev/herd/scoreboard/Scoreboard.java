package dev.herd.scoreboard;

import dev.herd.os.Posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The shared-memory scoreboard: one slot per handler, written by that handler, read by the
 * spawner. This class is the only owner of the byte layout.
 *
 * <pre>
 * header   (64 bytes)  magic "HERD", version, slot count, loops per slot
 * slot i   (64 × (1 + loops) bytes, at 64 + i × slotSize)
 *   line 0   pid, generation, state, loop count
 *   line 1+j loop j: heartbeat, connections, in flight, requests, accepts won, lost, errors, deferred
 * </pre>
 *
 * <p>Every loop writes only its own 64-byte line, so counters need no atomic read-modify-write
 * and loops of one handler never share a cache line. Writes are releases and the spawner's
 * reads acquires: a reader sees each field whole, and the state after the fields it guards.
 *
 * <p>The spawner keeps the file as an anonymous memfd; handlers open it through
 * {@code /proc/<spawner>/fd/<n>}. Nothing is left in the file system when the spawner dies,
 * even by SIGKILL.
 */
public final class Scoreboard implements AutoCloseable {
    private static final int MAGIC = 0x48455244; // "HERD"
    private static final int VERSION = 1;
    private static final int LINE = 64;

    private static final long HEADER_MAGIC = 0;
    private static final long HEADER_VERSION = 4;
    private static final long HEADER_SLOTS = 8;
    private static final long HEADER_LOOPS = 12;

    private static final long SLOT_PID = 0;
    private static final long SLOT_GENERATION = 8;
    private static final long SLOT_STATE = 12;
    private static final long SLOT_LOOPS = 16;

    private static final long LOOP_HEARTBEAT = 0;
    private static final long LOOP_CONNECTIONS = 8;
    private static final long LOOP_IN_FLIGHT = 16;
    private static final long LOOP_REQUESTS = 24;
    private static final long LOOP_ACCEPTS_WON = 32;
    private static final long LOOP_ACCEPTS_LOST = 40;
    private static final long LOOP_ACCEPT_ERRORS = 48;
    private static final long LOOP_ACCEPTS_DEFERRED = 56;

    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final Arena arena;
    private final MemorySegment memory;
    private final int slots;
    private final int loopsPerSlot;
    private final Path path;
    private final int fd;

    private Scoreboard(Arena arena, MemorySegment memory, int slots, int loopsPerSlot, Path path, int fd) {
        this.arena = arena;
        this.memory = memory;
        this.slots = slots;
        this.loopsPerSlot = loopsPerSlot;
        this.path = path;
        this.fd = fd;
    }

    static long sizeFor(int slots, int loopsPerSlot) {
        return LINE + (long) slots * slotSize(loopsPerSlot);
    }

    private static long slotSize(int loopsPerSlot) {
        return (long) LINE * (1 + loopsPerSlot);
    }

    // ---- called in the spawner ----

    /** Creates a zeroed scoreboard in anonymous shared memory. */
    public static Scoreboard create(int slots, int loopsPerSlot) {
        long size = sizeFor(slots, loopsPerSlot);
        int fd = Posix.memfd("herd-scoreboard", size);
        Path self = Path.of("/proc/self/fd/" + fd);
        Scoreboard board = map(self, size, slots, loopsPerSlot,
                Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd), fd);
        board.memory.set(JAVA_INT, HEADER_SLOTS, slots);
        board.memory.set(JAVA_INT, HEADER_LOOPS, loopsPerSlot);
        board.memory.set(JAVA_INT, HEADER_VERSION, VERSION);
        INT.setRelease(board.memory, HEADER_MAGIC, MAGIC);
        return board;
    }

    /** The path a handler opens the scoreboard by. */
    public Path path() {
        return path;
    }

    public int slots() {
        return slots;
    }

    public int loopsPerSlot() {
        return loopsPerSlot;
    }

    /**
     * Zeroes a slot before a new handler is spawned into it. Called only when no live process
     * owns the slot (its previous handler was reaped), so the spawner is its only writer then.
     */
    public void clear(int slot) {
        memory.asSlice(slotOffset(slot), slotSize(loopsPerSlot)).fill((byte) 0);
        VarHandle.releaseFence();
    }

    public SlotSnapshot read(int slot) {
        long base = slotOffset(slot);
        SlotState state = SlotState.of((int) INT.getAcquire(memory, base + SLOT_STATE));
        long pid = (long) LONG.getAcquire(memory, base + SLOT_PID);
        int generation = (int) INT.getAcquire(memory, base + SLOT_GENERATION);
        int loops = Math.min(loopsPerSlot, Math.max(0, (int) INT.getAcquire(memory, base + SLOT_LOOPS)));
        List<SlotSnapshot.LoopSnapshot> perLoop = new ArrayList<>(loops);
        long oldest = Long.MAX_VALUE;
        long connections = 0;
        long inFlight = 0;
        long requests = 0;
        long won = 0;
        long lost = 0;
        long errors = 0;
        long deferred = 0;
        for (int j = 0; j < loops; j++) {
            long line = base + (long) LINE * (1 + j);
            var loop = new SlotSnapshot.LoopSnapshot(
                    (long) LONG.getAcquire(memory, line + LOOP_HEARTBEAT),
                    (long) LONG.getAcquire(memory, line + LOOP_CONNECTIONS),
                    (long) LONG.getAcquire(memory, line + LOOP_IN_FLIGHT),
                    (long) LONG.getAcquire(memory, line + LOOP_REQUESTS),
                    (long) LONG.getAcquire(memory, line + LOOP_ACCEPTS_WON),
                    (long) LONG.getAcquire(memory, line + LOOP_ACCEPTS_LOST),
                    (long) LONG.getAcquire(memory, line + LOOP_ACCEPT_ERRORS),
                    (long) LONG.getAcquire(memory, line + LOOP_ACCEPTS_DEFERRED));
            perLoop.add(loop);
            oldest = Math.min(oldest, loop.heartbeatNanos());
            connections += loop.connections();
            inFlight += loop.inFlight();
            requests += loop.requests();
            won += loop.acceptsWon();
            lost += loop.acceptsLost();
            errors += loop.acceptErrors();
            deferred += loop.acceptsDeferred();
        }
        return new SlotSnapshot(slot, pid, generation, state, loops == 0 ? 0 : oldest, connections, inFlight,
                requests, won, lost, errors, deferred, List.copyOf(perLoop));
    }

    // ---- called in the handler ----

    /**
     * Open connections per event loop, averaged over the loops of every ready handler: the fair
     * share a loop compares itself with before it accepts. Reads a few cache lines and allocates
     * nothing, since every loop calls it on every wake-up.
     */
    public double meanConnectionsPerReadyLoop() {
        long connections = 0;
        long loops = 0;
        for (int slot = 0; slot < slots; slot++) {
            long base = slotOffset(slot);
            if ((int) INT.getAcquire(memory, base + SLOT_STATE) != SlotState.READY.ordinal()) {
                continue;
            }
            int n = Math.min(loopsPerSlot, (int) INT.getAcquire(memory, base + SLOT_LOOPS));
            for (int j = 0; j < n; j++) {
                connections += (long) LONG.getAcquire(memory, base + (long) LINE * (1 + j) + LOOP_CONNECTIONS);
            }
            loops += Math.max(0, n);
        }
        return loops == 0 ? 0 : (double) connections / loops;
    }

    /** Maps the spawner's scoreboard. */
    public static Scoreboard open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < LINE) {
                throw new IOException(path + " is not a herd scoreboard (" + size + " bytes)");
            }
        }
        Scoreboard probe = map(path, LINE, 0, 0, path, -1);
        int magic = (int) INT.getAcquire(probe.memory, HEADER_MAGIC);
        int version = probe.memory.get(JAVA_INT, HEADER_VERSION);
        int slots = probe.memory.get(JAVA_INT, HEADER_SLOTS);
        int loops = probe.memory.get(JAVA_INT, HEADER_LOOPS);
        probe.close();
        if (magic != MAGIC || version != VERSION) {
            throw new IOException(path + " is not a version " + VERSION + " herd scoreboard");
        }
        return map(path, sizeFor(slots, loops), slots, loops, path, -1);
    }

    /**
     * The writer of one slot. The handler calls this once, with how many event loops it runs
     * (at most {@link #loopsPerSlot()}).
     */
    public SlotWriter writer(int slot, int loops) {
        if (loops < 1 || loops > loopsPerSlot) {
            throw new IllegalArgumentException("loops must be 1.." + loopsPerSlot + ", was " + loops);
        }
        return new SlotWriter(slotOffset(slot), loops);
    }

    /** Writes one slot; its loop lines are written each by its own event loop thread. */
    public final class SlotWriter {
        private final long base;
        private final int loops;

        private SlotWriter(long base, int loops) {
            this.base = base;
            this.loops = loops;
        }

        /** Claims the slot: pid, generation and loop count first, then the state that publishes them. */
        public void begin(long pid, int generation, long nowNanos) {
            LONG.setRelease(memory, base + SLOT_PID, pid);
            INT.setRelease(memory, base + SLOT_GENERATION, generation);
            for (int j = 0; j < loops; j++) {
                loop(j).heartbeat(nowNanos);
            }
            INT.setRelease(memory, base + SLOT_LOOPS, loops);
            state(SlotState.STARTING);
        }

        public void state(SlotState state) {
            INT.setRelease(memory, base + SLOT_STATE, state.ordinal());
        }

        public LoopWriter loop(int index) {
            if (index < 0 || index >= loops) {
                throw new IndexOutOfBoundsException(index);
            }
            return new LoopWriter(base + (long) LINE * (1 + index));
        }

        public int loops() {
            return loops;
        }

        /** Open connections of every loop of this handler, for comparing a loop with its siblings. */
        public long connections(int loop) {
            return (long) LONG.getAcquire(memory, base + (long) LINE * (1 + loop) + LOOP_CONNECTIONS);
        }
    }

    /** The counters of one event loop. Only that loop's thread may call the mutators. */
    public final class LoopWriter {
        private final long line;

        private LoopWriter(long line) {
            this.line = line;
        }

        private void add(long offset, long delta) {
            long address = line + offset;
            LONG.setRelease(memory, address, (long) LONG.get(memory, address) + delta);
        }

        public void heartbeat(long nowNanos) {
            LONG.setRelease(memory, line + LOOP_HEARTBEAT, nowNanos);
        }

        public void connectionOpened() {
            add(LOOP_CONNECTIONS, 1);
        }

        public void connectionClosed() {
            add(LOOP_CONNECTIONS, -1);
        }

        public void requestStarted() {
            add(LOOP_IN_FLIGHT, 1);
        }

        public void requestFinished() {
            add(LOOP_IN_FLIGHT, -1);
            add(LOOP_REQUESTS, 1);
        }

        public void acceptWon() {
            add(LOOP_ACCEPTS_WON, 1);
        }

        public void acceptLost() {
            add(LOOP_ACCEPTS_LOST, 1);
        }

        public void acceptError() {
            add(LOOP_ACCEPT_ERRORS, 1);
        }

        public void acceptDeferred() {
            add(LOOP_ACCEPTS_DEFERRED, 1);
        }

        public long connections() {
            return (long) LONG.get(memory, line + LOOP_CONNECTIONS);
        }
    }

    private long slotOffset(int slot) {
        if (slot < 0 || slot >= slots) {
            throw new IndexOutOfBoundsException("slot " + slot + " of " + slots);
        }
        return LINE + (long) slot * slotSize(loopsPerSlot);
    }

    private static Scoreboard map(Path file, long size, int slots, int loops, Path path, int fd) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            return new Scoreboard(arena, memory, slots, loops, path, fd);
        } catch (IOException e) {
            arena.close();
            throw new IllegalStateException("cannot map scoreboard " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        arena.close();
        if (fd >= 0) {
            try {
                Posix.close(fd);
            } catch (RuntimeException ignored) {
                // The fd dies with the process anyway.
            }
        }
    }
}
