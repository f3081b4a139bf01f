package dev.herd.scoreboard;

import dev.herd.os.Posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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
 * header   (64 bytes)  magic "HERD", version, slot count, loops per slot, log epoch
 * slot i   (64 × (1 + 2 × loops) bytes, at 64 + i × slotSize)
 *   line 0      pid, generation, state, loop count
 *   line 1+2j   loop j: connections, in flight, requests, accepts won, lost, errors, deferred
 *   line 2+2j   loop j: stamp count, stamp 0 (heartbeat, busy nanos), stamp 1 (heartbeat, busy nanos),
 *               rebalance closes, limit closes
 * </pre>
 *
 * <p>Every loop writes only its own two 64-byte lines, so counters need no atomic
 * read-modify-write and loops of one handler never share a cache line. Writes are releases and
 * the spawner's reads acquires: a reader sees each field whole, and the state after the fields it
 * guards.
 *
 * <p>A stamp is a heartbeat with the loop's busy nanos as of that instant (its cumulative time not
 * spent waiting for I/O); the spawner divides the growth of one by the other's, so it must never
 * pair one stamp's busy nanos with another's heartbeat. Stamp {@code n} is written into the pair
 * {@code n % 2}, then published by setting the count to {@code n}: a reader takes the pair the
 * count names and accepts it if the count has not moved meanwhile. The loop only ever writes the
 * other pair, so a reader never waits for a writer, not even one stopped in the middle of a stamp.
 *
 * <p>The spawner keeps the file as an anonymous memfd; handlers open it through
 * {@code /proc/<spawner>/fd/<n>}. Nothing is left in the file system when the spawner dies,
 * even by SIGKILL.
 */
public final class Scoreboard implements AutoCloseable {
    private static final int MAGIC = 0x48455244; // "HERD"
    private static final int VERSION = 3;
    private static final int LINE = 64;

    private static final long HEADER_MAGIC = 0;
    private static final long HEADER_VERSION = 4;
    private static final long HEADER_SLOTS = 8;
    private static final long HEADER_LOOPS = 12;
    /** Raised by the spawner to have every handler reopen its access log (rotation). */
    private static final long HEADER_LOG_EPOCH = 16;

    private static final long SLOT_PID = 0;
    private static final long SLOT_GENERATION = 8;
    private static final long SLOT_STATE = 12;
    private static final long SLOT_LOOPS = 16;

    private static final long LOOP_CONNECTIONS = 0;
    private static final long LOOP_IN_FLIGHT = 8;
    private static final long LOOP_REQUESTS = 16;
    private static final long LOOP_ACCEPTS_WON = 24;
    private static final long LOOP_ACCEPTS_LOST = 32;
    private static final long LOOP_ACCEPT_ERRORS = 40;
    private static final long LOOP_ACCEPTS_DEFERRED = 48;

    private static final long STAMP_COUNT = 0;
    /** Stamp n's pair is at {@code STAMP_PAIRS + (n % 2) * 16}: heartbeat, then busy nanos. */
    private static final long STAMP_PAIRS = 8;
    private static final long STAMP_REBALANCE_CLOSES = 40;
    private static final long STAMP_LIMIT_CLOSES = 48;

    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();
    /** Where scratch scoreboards are made, and deleted once mapped: memory if the system has it there. */
    private static final Path SCRATCH_DIRECTORY = Files.isDirectory(Path.of("/dev/shm"))
            && Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));

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
        return (long) LINE * (1 + 2L * loopsPerSlot);
    }

    /** The first of loop {@code j}'s two lines in the slot at {@code base}: its counters. */
    private static long countersLine(long base, int j) {
        return base + (long) LINE * (1 + 2L * j);
    }

    /** The second of loop {@code j}'s lines: its stamps and close counters. */
    private static long stampsLine(long base, int j) {
        return countersLine(base, j) + LINE;
    }

    // ---- called in the spawner ----

    /** Creates a zeroed scoreboard in anonymous shared memory. */
    public static Scoreboard create(int slots, int loopsPerSlot) {
        long size = sizeFor(slots, loopsPerSlot);
        int fd = Posix.memfd("herd-scoreboard", size);
        Path self = Path.of("/proc/self/fd/" + fd);
        return headed(map(self, size, slots, loopsPerSlot,
                Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd), fd));
    }

    /**
     * Creates a zeroed scoreboard that no other process opens ({@link #path()} is null): a
     * handler's warm-ups count into one, apart from the pool's. It takes no native call, so it
     * costs a booting handler no generated code; and it is a mapped file like the pool's, so that
     * the code the JIT compiles for the warm-up sees the same kind of memory as the serving that
     * follows (with a segment of another kind at the same call sites, herd's serving path ran 8 %
     * slower per CPU-second).
     */
    public static Scoreboard scratch(int slots, int loopsPerSlot) {
        try {
            Path file = Files.createTempFile(SCRATCH_DIRECTORY, "herd-warmup-", ".scoreboard");
            try {
                return headed(map(file, sizeFor(slots, loopsPerSlot), slots, loopsPerSlot, null, -1));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a scratch scoreboard in " + SCRATCH_DIRECTORY, e);
        }
    }

    private static Scoreboard headed(Scoreboard board) {
        board.memory.set(JAVA_INT, HEADER_SLOTS, board.slots);
        board.memory.set(JAVA_INT, HEADER_LOOPS, board.loopsPerSlot);
        board.memory.set(JAVA_INT, HEADER_VERSION, VERSION);
        INT.setRelease(board.memory, HEADER_MAGIC, MAGIC);
        return board;
    }

    /** Asks every handler to reopen its log files (after a rotation): raises the log epoch. */
    public void reopenLogs() {
        INT.getAndAddRelease(memory, HEADER_LOG_EPOCH, 1);
    }

    /** The log epoch: a handler that sees it change reopens its log files. */
    public int logEpoch() {
        return (int) INT.getAcquire(memory, HEADER_LOG_EPOCH);
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
        for (int j = 0; j < loops; j++) {
            perLoop.add(readLoop(countersLine(base, j), stampsLine(base, j)));
        }
        return SlotSnapshot.of(slot, pid, generation, state, perLoop);
    }

    private SlotSnapshot.LoopSnapshot readLoop(long counters, long stamps) {
        long heartbeat;
        long busy;
        long count = (long) LONG.getAcquire(memory, stamps + STAMP_COUNT);
        while (true) {
            long pair = stamps + STAMP_PAIRS + (count & 1) * 16;
            heartbeat = (long) LONG.getAcquire(memory, pair);
            busy = (long) LONG.getAcquire(memory, pair + 8);
            long after = (long) LONG.getAcquire(memory, stamps + STAMP_COUNT);
            if (after == count) {
                break;
            }
            // The loop stamped meanwhile, and may be writing the pair just read: read the new one.
            count = after;
        }
        return new SlotSnapshot.LoopSnapshot(heartbeat,
                (long) LONG.getAcquire(memory, counters + LOOP_CONNECTIONS),
                (long) LONG.getAcquire(memory, counters + LOOP_IN_FLIGHT),
                (long) LONG.getAcquire(memory, counters + LOOP_REQUESTS),
                (long) LONG.getAcquire(memory, counters + LOOP_ACCEPTS_WON),
                (long) LONG.getAcquire(memory, counters + LOOP_ACCEPTS_LOST),
                (long) LONG.getAcquire(memory, counters + LOOP_ACCEPT_ERRORS),
                (long) LONG.getAcquire(memory, counters + LOOP_ACCEPTS_DEFERRED),
                busy,
                (long) LONG.getAcquire(memory, stamps + STAMP_REBALANCE_CLOSES),
                (long) LONG.getAcquire(memory, stamps + STAMP_LIMIT_CLOSES));
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
            connections += connectionsOf(base, n);
            loops += Math.max(0, n);
        }
        return loops == 0 ? 0 : (double) connections / loops;
    }

    /**
     * Open connections per event loop of one handler: the fair share when handlers do not share
     * a socket ({@code --accept reuseport}), so only its own loops can take a connection it lets pass.
     */
    public double meanConnectionsPerLoopOf(int slot) {
        long base = slotOffset(slot);
        int n = Math.min(loopsPerSlot, (int) INT.getAcquire(memory, base + SLOT_LOOPS));
        return n <= 0 ? 0 : (double) connectionsOf(base, n) / n;
    }

    private long connectionsOf(long base, int loops) {
        long connections = 0;
        for (int j = 0; j < loops; j++) {
            connections += (long) LONG.getAcquire(memory, countersLine(base, j) + LOOP_CONNECTIONS);
        }
        return connections;
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
                loop(j).stamp(nowNanos, 0);
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
            return new LoopWriter(countersLine(base, index), stampsLine(base, index));
        }

        public int loops() {
            return loops;
        }

        /** Open connections of every loop of this handler, for comparing a loop with its siblings. */
        public long connections(int loop) {
            return (long) LONG.getAcquire(memory, countersLine(base, loop) + LOOP_CONNECTIONS);
        }
    }

    /** The counters of one event loop. Only that loop's thread may call the mutators. */
    public final class LoopWriter {
        private final long counters;
        private final long stamps;

        private LoopWriter(long counters, long stamps) {
            this.counters = counters;
            this.stamps = stamps;
        }

        private void add(long address, long delta) {
            LONG.setRelease(memory, address, (long) LONG.get(memory, address) + delta);
        }

        /** The heartbeat, with the loop's busy nanos as of the same instant, published together. */
        public void stamp(long nowNanos, long busyNanos) {
            long next = (long) LONG.get(memory, stamps + STAMP_COUNT) + 1;
            long pair = stamps + STAMP_PAIRS + (next & 1) * 16;
            LONG.setRelease(memory, pair, nowNanos);
            LONG.setRelease(memory, pair + 8, busyNanos);
            LONG.setRelease(memory, stamps + STAMP_COUNT, next);
        }

        public void connectionOpened() {
            add(counters + LOOP_CONNECTIONS, 1);
        }

        public void connectionClosed() {
            add(counters + LOOP_CONNECTIONS, -1);
        }

        public void requestStarted() {
            add(counters + LOOP_IN_FLIGHT, 1);
        }

        public void requestFinished() {
            add(counters + LOOP_IN_FLIGHT, -1);
            add(counters + LOOP_REQUESTS, 1);
        }

        public void acceptWon() {
            add(counters + LOOP_ACCEPTS_WON, 1);
        }

        public void acceptLost() {
            add(counters + LOOP_ACCEPTS_LOST, 1);
        }

        public void acceptError() {
            add(counters + LOOP_ACCEPT_ERRORS, 1);
        }

        /** Accepts counted elsewhere (by libherd-socket in a foreign handler), added at once. */
        public void accepts(long won, long lost, long errors) {
            add(counters + LOOP_ACCEPTS_WON, won);
            add(counters + LOOP_ACCEPTS_LOST, lost);
            add(counters + LOOP_ACCEPT_ERRORS, errors);
        }

        public void acceptDeferred() {
            add(counters + LOOP_ACCEPTS_DEFERRED, 1);
        }

        /** A keep-alive connection was asked to reconnect, to spread the load over the loops. */
        public void rebalanceClosed() {
            add(stamps + STAMP_REBALANCE_CLOSES, 1);
        }

        /** A keep-alive connection was ended by {@code --keepalive-requests} or {@code --max-connection-age}. */
        public void limitClosed() {
            add(stamps + STAMP_LIMIT_CLOSES, 1);
        }

        public long connections() {
            return (long) LONG.get(memory, counters + LOOP_CONNECTIONS);
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
