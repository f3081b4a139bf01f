package dev.herd.api;

import java.nio.file.Path;
import java.util.Objects;

/** The body of a {@link Response}: nothing, bytes, a file (sent zero-copy) or a stream. */
public sealed interface Body permits Body.Empty, Body.Bytes, Body.File, Body.Streamed {

    /** No body: {@code Content-Length: 0}, except where HTTP forbids the header (1xx, 204, 304). */
    record Empty() implements Body {
    }

    /** Bytes known in full: sent with their {@code Content-Length}. The array must not change afterwards. */
    record Bytes(byte[] bytes) implements Body {
        /** @throws NullPointerException for null bytes */
        public Bytes {
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /**
     * A file, or a part of it, sent by the kernel (sendfile) without passing through the JVM's
     * heap. It is opened when the response is written; a file that cannot be read then answers 500
     * if nothing was sent yet.
     *
     * @param length bytes from {@code offset}; -1 for up to the end of the file
     */
    record File(Path path, long offset, long length) implements Body {
        /** @throws IllegalArgumentException for a negative offset or a length below -1 */
        public File {
            Objects.requireNonNull(path, "path");
            if (offset < 0 || length < -1) {
                throw new IllegalArgumentException("offset must be >= 0 and length >= -1");
            }
        }
    }

    /**
     * A body written as it is produced. With a known {@code length} it is sent with that
     * {@code Content-Length} (writing more or fewer bytes cuts the connection); with -1 it is
     * sent chunked on HTTP/1.1 and delimited by closing the connection on HTTP/1.0.
     */
    record Streamed(long length, BodyWriter writer) implements Body {
        /** @throws IllegalArgumentException for a length below -1 */
        public Streamed {
            Objects.requireNonNull(writer, "writer");
            if (length < -1) {
                throw new IllegalArgumentException("length must be >= -1");
            }
        }
    }
}
