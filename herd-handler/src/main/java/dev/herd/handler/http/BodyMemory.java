package dev.herd.handler.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory every buffered request body of a handler may hold together, shared by its event
 * loops. Each body has its own bound ({@code --request-buffer-memory}); this one keeps many
 * bodies arriving at once (a thousand clients each sending 60 KiB and stalling) from filling the
 * direct memory the handler also needs to read and write: past it, a body goes to its file at
 * once, as one past its own bound does.
 */
public final class BodyMemory {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    /** @param limit the bytes all bodies may hold in memory together */
    public BodyMemory(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("a memory limit must not be negative, got " + limit);
        }
        this.limit = limit;
    }

    /**
     * A quarter of the handler's heap limit: Netty's direct memory is bounded by the same figure
     * by default, and the reads and writes of every connection need the rest.
     */
    public static BodyMemory ofHeap() {
        return new BodyMemory(Runtime.getRuntime().maxMemory() / 4);
    }

    /** Takes {@code bytes} from the budget; false, taking nothing, when they do not fit. */
    boolean reserve(long bytes) {
        long now;
        do {
            now = held.get();
            if (now + bytes > limit) {
                return false;
            }
        } while (!held.compareAndSet(now, now + bytes));
        return true;
    }

    /** Gives {@code bytes} back. */
    void release(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Bytes held now (for tests and the status). */
    long held() {
        return held.get();
    }
}
