package dev.herd.api;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a streamed response body. herd calls it on a virtual thread of its own, so it may block;
 * writes block while the client does not keep up. Returning ends the body; throwing after bytes
 * were sent cuts the connection (the client sees an incomplete response, never a wrong one).
 */
@FunctionalInterface
public interface BodyWriter {
    void writeTo(OutputStream out) throws IOException;
}
