package dev.herd.spawner;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The spawner's handlers as it last published them, for readers on other threads (the admin
 * endpoints). Immutable.
 *
 * @param generation the generation serving
 * @param reloading  the generation a reload is starting, or 0 when none is under way
 * @param maxTarget  the most handlers the pool may be asked to run
 * @param counts     restarts, scaling, reloads, and the counters of handlers that have exited
 * @param certificates the serving generation's TLS certificates, in the order clients are offered them
 */
public record PoolView(long spawnerPid, long startedAtNanos, boolean stopping, int targetHandlers,
                       String scaling, int generation, int reloading, int maxTarget, List<Entry> handlers,
                       Counts.View counts, List<Certificate> certificates) {

    /** Without TLS. */
    public PoolView(long spawnerPid, long startedAtNanos, boolean stopping, int targetHandlers, String scaling,
                    int generation, int reloading, int maxTarget, List<Entry> handlers, Counts.View counts) {
        this(spawnerPid, startedAtNanos, stopping, targetHandlers, scaling, generation, reloading, maxTarget, handlers,
                counts, List.of());
    }

    /**
     * A certificate the handlers serve.
     *
     * @param file     the file it was read from
     * @param subject  its subject, as RFC 2253 writes it
     * @param names    the host names it is for
     * @param key      its key's algorithm and size, e.g. {@code ECDSA P-256}
     * @param notAfter when it expires
     */
    public record Certificate(String file, String subject, List<String> names, String key, java.time.Instant notAfter) {
        static Certificate of(dev.herd.tls.TlsIdentity identity) {
            return new Certificate(identity.source(), identity.subject(), identity.serverNames(),
                    identity.keyDescription(), identity.notAfter());
        }
    }

    /**
     * @param busy    the mean busyness of its loops over their latest stamps, once known
     * @param foreign an existing server's JVM ({@code --jar}): its requests, connections, accepts
     *                and busyness are not known to herd
     */
    public record Entry(int slot, long pid, int generation, String phase, long spawnedAtNanos, OptionalDouble busy,
                        boolean foreign) {
        /** One of herd's own handlers. */
        public Entry(int slot, long pid, int generation, String phase, long spawnedAtNanos, OptionalDouble busy) {
            this(slot, pid, generation, phase, spawnedAtNanos, busy, false);
        }
    }
}
