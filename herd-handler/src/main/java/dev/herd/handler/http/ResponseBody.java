package dev.herd.handler.http;

import dev.herd.handler.bridge.OutboundStream;
import dev.herd.handler.bridge.WaterMarks;

import java.io.IOException;

/**
 * A streamed response body ({@link HttpCall#respondStreaming}): the bridge's
 * {@link OutboundStream}, written by the service's thread, whose chunks the call's {@link Sink}
 * sends on the loop; with HTTP's two rules on top. A body with a declared length must be exactly
 * that long: a write past it is refused, and closing short of it cuts the connection (a client
 * must not take a partial body for a whole one). The body of a HEAD answer (or of a status
 * without content) is counted against its length but never sent.
 */
final class ResponseBody extends OutboundStream {
    /**
     * A writer waits once a chunk would take the bytes on their way past 256 KiB, until the client
     * has taken all but 64 KiB: a response is a larger, one-way stream than a TCP exchange.
     */
    static final WaterMarks MARKS = new WaterMarks(256 * 1024, 64 * 1024);

    private final long length;
    private final boolean discard;
    // Guarded by the stream's lock (admit and checkWhole run under it).
    private long written;

    /**
     * @param length  the declared length, or -1 for a body of unknown length
     * @param discard count the bytes but send none (the answer to a HEAD request)
     */
    ResponseBody(Sink sink, long length, boolean discard) {
        super(sink, MARKS);
        this.length = length;
        this.discard = discard;
    }

    @Override
    protected boolean admit(int n) throws IOException {
        if (length >= 0 && written + n > length) {
            throw new IOException("response body longer than its declared length of " + length + " bytes");
        }
        written += n;
        return !discard;
    }

    @Override
    protected void checkWhole() throws IOException {
        if (length >= 0 && written < length) {
            throw new IOException("response body of " + written + " bytes is shorter than its declared length of "
                    + length + " bytes: connection cut");
        }
    }
}
