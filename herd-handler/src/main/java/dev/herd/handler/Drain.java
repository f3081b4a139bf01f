package dev.herd.handler;

/**
 * The user event fired on every connection's pipeline when the handler starts to drain: the
 * protocol's last handler decides what draining means for its connection (close it once idle,
 * answer the request in flight with {@code Connection: close}, tell a TCP application).
 */
public enum Drain {
    INSTANCE
}
