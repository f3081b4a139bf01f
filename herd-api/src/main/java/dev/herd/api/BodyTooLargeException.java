package dev.herd.api;

import java.io.IOException;

/**
 * Reading a request body found more than {@code --max-body} bytes. Let it propagate out of the
 * application and herd answers 413 (Content Too Large), if no response was started yet.
 */
public final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    /** @param limit the {@code --max-body} that was passed, in bytes */
    public BodyTooLargeException(long limit) {
        super("request body over " + limit + " bytes");
        this.limit = limit;
    }

    /** The limit that was passed, in bytes. */
    public long limit() {
        return limit;
    }
}
