package dev.herd.handler.files;

import dev.herd.time.MonotonicClock;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * What one event loop knows of the request paths of a {@link StaticFiles}, as nginx's
 * {@code open_file_cache} with {@code open_file_cache_errors}: for each path, the open file it
 * names ({@link CachedFile}) or the status it was refused with ({@link Refusal}). Only its loop's
 * thread touches it, so nothing here locks.
 *
 * <p>An entry is trusted for {@link Limits#valid()} after it was checked: a hit within that time
 * makes no system call. Past it, a file's entry costs one {@code stat} of the path the request
 * names, links followed as the request follows them: the same inode, size and modification time
 * keep it; anything else (a file replaced by a rename, rewritten, removed; a link that now leads
 * elsewhere) drops it, and the request is resolved again from its names, the check that its real
 * path lies inside the root included. A refusal is dropped past that time, so a file that appears
 * is seen. An unchanged inode is the very file whose real path was checked: its bytes are served
 * however it is reached now.
 *
 * <p>Past any of its limits (entries, bytes in memory, open descriptors), the cache drops its least
 * recently used entries, and it drops those no request asked for in a while. Dropping a file
 * releases it: its memory is freed and its descriptor closed once no response is still sending
 * from it.
 */
final class OpenFileCache {

    /**
     * @param valid       how long an entry is trusted without a system call
     * @param inactive    how long an entry no request asks for is kept
     * @param entries     how many entries are kept at most, refusals included
     * @param memory      how many bytes of files are kept in memory at most
     * @param descriptors how many files are kept open at most (those too large for memory)
     * @param inMemory    files of at most this many bytes are read into memory; larger ones are sent
     *                    from their descriptor
     */
    record Limits(Duration valid, Duration inactive, int entries, long memory, int descriptors, int inMemory) {
        /**
         * A change on disk is seen within a second, and a hot file costs one {@code stat} a second
         * instead of a {@code realpath}, a {@code stat} and an {@code open} a request. A file asked for less than every 20 s gains little
         * from staying open (nginx's example, {@code inactive=20s}), and a removed one is closed
         * soon enough for its disk space to be freed. Files up to 16 KiB are kept in memory: one
         * write sends head and body, where {@code sendfile} would add a system call to each
         * response. 1 MiB and 128 descriptors per loop keep a handler of several loops small.
         */
        static final Limits DEFAULT = new Limits(Duration.ofSeconds(1), Duration.ofSeconds(20), 1024, 1 << 20, 128,
                16 << 10);

        Limits {
            if (valid.isNegative() || inactive.isNegative() || entries < 1 || descriptors < 1 || inMemory < 0
                    || memory < inMemory) {
                throw new IllegalArgumentException("limits that cannot hold a file: valid " + valid + ", inactive "
                        + inactive + ", " + entries + " entries, " + memory + " bytes, " + descriptors
                        + " descriptors, in memory up to " + inMemory);
            }
        }
    }

    /** What a request path resolved to. */
    sealed interface Entry permits CachedFile, Refusal {
    }

    /** A path that names nothing to serve, with its status (404, or 403 for a file it may not read). */
    record Refusal(HttpResponseStatus status) implements Entry {
        static final Refusal NOT_FOUND = new Refusal(HttpResponseStatus.NOT_FOUND);
        static final Refusal FORBIDDEN = new Refusal(HttpResponseStatus.FORBIDDEN);

        static Refusal of(HttpResponseStatus status) {
            return status.equals(HttpResponseStatus.FORBIDDEN) ? FORBIDDEN : NOT_FOUND;
        }
    }

    /** An entry, when it was last known true and when a request last asked for it (the clock's nanoseconds). */
    private static final class Slot {
        final Entry entry;
        long checkedAt;
        long usedAt;

        Slot(Entry entry, long now) {
            this.entry = entry;
            this.checkedAt = now;
            this.usedAt = now;
        }
    }

    private static final long EXPIRY_PERIOD_NANOS = Duration.ofSeconds(1).toNanos();

    private final Limits limits;
    private final long validNanos;
    private final long inactiveNanos;
    /** When to look for inactive entries next. */
    private long nextExpiry;
    private final MonotonicClock clock;
    private final FileSystemCalls fs;
    /** In access order: the eldest is the least recently used. */
    private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>(64, 0.75f, true);
    private long memory;
    private int descriptors;

    OpenFileCache(Limits limits, MonotonicClock clock, FileSystemCalls fs) {
        this.limits = limits;
        this.validNanos = limits.valid().toNanos();
        this.inactiveNanos = limits.inactive().toNanos();
        this.clock = clock;
        this.fs = fs;
        this.nextExpiry = clock.nanoTime();
    }

    /**
     * The entry of {@code key}, or null when there is none that still holds: past its validity a
     * file's entry is checked with one {@code stat}, a refusal dropped.
     */
    Entry get(String key) {
        long now = clock.nanoTime();
        expireInactive(now);
        Slot slot = slots.get(key);
        if (slot == null) {
            return null;
        }
        slot.usedAt = now;
        if (now - slot.checkedAt < validNanos) {
            return slot.entry;
        }
        if (slot.entry instanceof CachedFile file && unchanged(file)) {
            slot.checkedAt = now;
            return file;
        }
        slots.remove(key);
        forget(slot.entry);
        return null;
    }

    /**
     * Drops the entries no request asked for in {@link Limits#inactive()}, looking at most once a
     * second, as requests come (as nginx does): the eldest in access order are the least recently
     * used, so the look stops at the first entry still in use.
     */
    private void expireInactive(long now) {
        if (now - nextExpiry < 0) {
            return;
        }
        nextExpiry = now + EXPIRY_PERIOD_NANOS;
        Iterator<Slot> eldest = slots.values().iterator();
        while (eldest.hasNext()) {
            Slot slot = eldest.next();
            if (now - slot.usedAt < inactiveNanos) {
                return;
            }
            eldest.remove();
            forget(slot.entry);
        }
    }

    private boolean unchanged(CachedFile file) {
        try {
            return file.sameAs(fs.attributes(file.named()));
        } catch (IOException e) {
            return false; // gone, or no longer reached: resolved again from the names
        }
    }

    /**
     * Opens the regular file at {@code real} for {@code key} (see {@link CachedFile#open}) and keeps
     * it; a file this process may not read is kept as a 403, one gone since its lookup as a 404.
     */
    Entry open(String key, Path named, Path real, BasicFileAttributes attributes, String name) throws IOException {
        Entry entry;
        try {
            entry = CachedFile.open(fs, named, real, attributes, name, limits.inMemory());
        } catch (AccessDeniedException e) {
            entry = Refusal.FORBIDDEN;
        } catch (FileSystemException e) {
            entry = Refusal.NOT_FOUND; // removed or replaced since the lookup
        }
        return put(key, entry);
    }

    /** Keeps {@code refusal} for {@code key}. */
    Entry refuse(String key, Refusal refusal) {
        return put(key, refusal);
    }

    private Entry put(String key, Entry entry) {
        Slot previous = slots.put(key, new Slot(entry, clock.nanoTime()));
        if (previous != null) {
            forget(previous.entry);
        }
        if (entry instanceof CachedFile file) {
            memory += file.memory();
            descriptors += file.holdsDescriptor() ? 1 : 0;
        }
        trim();
        return entry;
    }

    /** Drops the least recently used entries past a limit, never the one just kept (it is being served). */
    private void trim() {
        Iterator<Slot> eldest = slots.values().iterator();
        while (slots.size() > 1 && (slots.size() > limits.entries() || memory > limits.memory()
                || descriptors > limits.descriptors())) {
            Slot slot = eldest.next();
            eldest.remove();
            forget(slot.entry);
        }
    }

    private void forget(Entry entry) {
        if (entry instanceof CachedFile file) {
            memory -= file.memory();
            descriptors -= file.holdsDescriptor() ? 1 : 0;
            file.release();
        }
    }

    int size() {
        return slots.size();
    }

    /** Drops every entry: the loop's thread ends. */
    void close() {
        slots.values().forEach(slot -> forget(slot.entry));
        slots.clear();
    }
}
