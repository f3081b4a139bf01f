package dev.herd.examples.testing;

import dev.herd.api.Body;
import dev.herd.api.Response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** What a client would receive as the body of a {@link Response}, whatever form the body has. */
public final class Bodies {
    private Bodies() {
    }

    public static byte[] bytes(Response response) {
        try {
            return switch (response.body()) {
                case Body.Empty() -> new byte[0];
                case Body.Bytes(byte[] bytes) -> bytes.clone();
                case Body.Streamed(long length, var writer) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    writer.writeTo(out);
                    yield out.toByteArray();
                }
                case Body.File(var path, long offset, long length) -> {
                    try (InputStream in = Files.newInputStream(path)) {
                        in.skipNBytes(offset);
                        yield length < 0 ? in.readAllBytes() : in.readNBytes(Math.toIntExact(length));
                    }
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body as UTF-8 text. */
    public static String text(Response response) {
        return new String(bytes(response), StandardCharsets.UTF_8);
    }
}
