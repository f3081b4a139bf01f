package dev.herd.tls;

import dev.herd.os.Posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;

/**
 * The session-ticket keys of the pool, in shared memory the spawner writes and every handler
 * reads: a ticket one handler issues, any other handler accepts, as nginx's workers share theirs.
 *
 * <p>Three keys at any time: the one tickets are encrypted with now, the next one, and the
 * previous one. At each rotation the next becomes the current and a new next is made: a handler
 * that has not yet seen the rotation still accepts the tickets of one that has, since it already
 * knew that key as the next. A ticket is accepted for two rotation periods at most; after that a
 * key is gone from everywhere, which bounds what a stolen key could decrypt (forward secrecy of the
 * resumed sessions).
 *
 * <p>A sequence number guards the keys as a seqlock: odd while the spawner writes, and a reader
 * copies until it sees the same even number before and after.
 */
public final class TicketKeys implements AutoCloseable {
    /** The bytes of one key: its name (16), HMAC key (16), AES key (16), as OpenSSL's ticket callback takes them. */
    public static final int KEY_BYTES = 48;
    private static final int COUNT = 3;
    private static final long SEQUENCE = 0;
    private static final long KEYS = 8;
    private static final long SIZE = KEYS + (long) COUNT * KEY_BYTES;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final Arena arena;
    private final MemorySegment memory;
    private final Path path;
    private final int fd;
    private final SecureRandom random;

    private TicketKeys(Arena arena, MemorySegment memory, Path path, int fd, SecureRandom random) {
        this.arena = arena;
        this.memory = memory;
        this.path = path;
        this.fd = fd;
        this.random = random;
    }

    /** The keys as one reading found them: the current one first, then the next, then the previous one. */
    public record Snapshot(long sequence, List<byte[]> keys) {
    }

    /** In the spawner: three fresh keys, in memory its children open at {@link #path()}. */
    public static TicketKeys create() {
        int fd = Posix.memfd("herd-tickets", SIZE);
        TicketKeys keys = map(Path.of("/proc/self/fd/" + fd), FileChannel.MapMode.READ_WRITE,
                Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd), fd, new SecureRandom());
        keys.write(keys.fresh(), keys.fresh(), keys.fresh());
        return keys;
    }

    /** In a handler: the spawner's keys, read only. */
    public static TicketKeys open(Path path) {
        return map(path, FileChannel.MapMode.READ_ONLY, path, -1, null);
    }

    private static TicketKeys map(Path file, FileChannel.MapMode mode, Path path, int fd, SecureRandom random) {
        Arena arena = Arena.ofShared();
        boolean write = mode == FileChannel.MapMode.READ_WRITE;
        try (FileChannel channel = write ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ)) {
            return new TicketKeys(arena, channel.map(mode, 0, SIZE, arena), path, fd, random);
        } catch (IOException e) {
            arena.close();
            throw new IllegalStateException("cannot map the session-ticket keys " + file + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** In the spawner: the next key becomes the current one, the current one the previous one, and a new next is made. */
    public void rotate() {
        Snapshot now = read();
        write(now.keys().get(1), fresh(), now.keys().get(0));
    }

    private byte[] fresh() {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return key;
    }

    private void write(byte[] current, byte[] next, byte[] previous) {
        long sequence = (long) LONG.getAcquire(memory, SEQUENCE);
        LONG.setRelease(memory, SEQUENCE, sequence + 1);
        VarHandle.storeStoreFence();
        MemorySegment.copy(current, 0, memory, ValueLayout.JAVA_BYTE, KEYS, KEY_BYTES);
        MemorySegment.copy(next, 0, memory, ValueLayout.JAVA_BYTE, KEYS + KEY_BYTES, KEY_BYTES);
        MemorySegment.copy(previous, 0, memory, ValueLayout.JAVA_BYTE, KEYS + 2L * KEY_BYTES, KEY_BYTES);
        LONG.setRelease(memory, SEQUENCE, sequence + 2);
    }

    /** The keys now; {@link Snapshot#sequence()} changes at every rotation. */
    public Snapshot read() {
        while (true) {
            long before = (long) LONG.getAcquire(memory, SEQUENCE);
            if ((before & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            byte[][] keys = new byte[COUNT][KEY_BYTES];
            for (int i = 0; i < COUNT; i++) {
                MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, KEYS + (long) i * KEY_BYTES, keys[i], 0, KEY_BYTES);
            }
            VarHandle.loadLoadFence();
            if ((long) LONG.getAcquire(memory, SEQUENCE) == before) {
                return new Snapshot(before, List.of(keys));
            }
        }
    }

    @Override
    public void close() {
        arena.close();
        if (fd >= 0) {
            Posix.close(fd);
        }
    }
}
