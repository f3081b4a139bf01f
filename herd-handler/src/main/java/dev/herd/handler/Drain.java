package dev.herd.handler;

/**
 * The user event fired on every connection's pipeline when the handler starts to drain: the
 * protocol's last handler decides what draining means for its connection (close it once idle,
 * answer the request in flight with {@code Connection: close}, tell a TCP application).
 */
public enum Drain {
    INSTANCE;

    /**
     * How long a draining handler gives a connection that waits for its client to send one more
     * message (a keep-alive client that just read a response, a TCP client between messages), or
     * one that connected a moment before the handler stopped accepting: closing at once could cost
     * it a request it is sending right now.
     */
    public static final java.time.Duration GRACE = java.time.Duration.ofSeconds(1);
}
