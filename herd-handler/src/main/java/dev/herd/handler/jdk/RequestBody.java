package dev.herd.handler.jdk;

import dev.herd.handler.http.HttpCall;

import java.io.IOException;
import java.io.InputStream;

/**
 * The request body as {@code HttpExchange.getRequestBody()} gives it: the pipeline's stream, read
 * as the bytes arrive, which a closed exchange stops (the JDK's "Stream is closed"). What is left
 * unread is the pipeline's to discard, so closing does not drain.
 */
final class RequestBody extends InputStream {
    private final HttpCall call;
    private InputStream source;
    private volatile boolean closed;

    RequestBody(HttpCall call) {
        this.call = call;
    }

    @Override
    public int read() throws IOException {
        return open().read();
    }

    @Override
    public int read(byte[] bytes, int offset, int count) throws IOException {
        return open().read(bytes, offset, count);
    }

    @Override
    public int available() throws IOException {
        return open().available();
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    /** Asked for on first use only: the pipeline starts nothing for a body nobody reads. */
    private synchronized InputStream open() throws IOException {
        if (closed) {
            throw new IOException("Stream is closed");
        }
        if (source == null) {
            source = call.bodyStream();
        }
        return source;
    }
}
