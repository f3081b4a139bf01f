package dev.herd.examples.jersey;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;

import java.nio.charset.StandardCharsets;

/** Text, bytes in and out, and a stream: the shapes of body an HTTP server must frame right. */
@Path("/")
public class ExampleResource {
    static final int MAX_BYTES = 16 << 20;
    static final int MAX_CHUNKS = 10_000;

    private static final byte[] PATTERN = "0123456789abcdefghijklmnopqrstuvwxyz\n".repeat(1024)
            .getBytes(StandardCharsets.US_ASCII);

    @GET
    @Path("hello")
    @Produces(MediaType.TEXT_PLAIN)
    public String hello() {
        return "Hello, World!";
    }

    @POST
    @Path("echo")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public byte[] echo(byte[] body) {
        return body;
    }

    /**
     * {@code n} bytes, written from a shared pattern. Jersey frames them: a body that fits its
     * buffer (8 KiB) gets a Content-Length, a longer one is chunked. (Setting Content-Length here
     * would not help: the JDK container would send it beside {@code Transfer-Encoding: chunked}.)
     */
    @GET
    @Path("bytes/{n}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public StreamingOutput bytes(@PathParam("n") int n) {
        if (n < 0 || n > MAX_BYTES) {
            throw new BadRequestException("n must be from 0 to " + MAX_BYTES);
        }
        return out -> {
            for (int left = n; left > 0; left -= PATTERN.length) {
                out.write(PATTERN, 0, Math.min(left, PATTERN.length));
            }
        };
    }

    /** Lines flushed one by one, of a length nobody knows in advance. */
    @GET
    @Path("stream")
    @Produces(MediaType.TEXT_PLAIN)
    public StreamingOutput stream(@QueryParam("chunks") @DefaultValue("10") int chunks) {
        if (chunks < 0 || chunks > MAX_CHUNKS) {
            throw new BadRequestException("chunks must be from 0 to " + MAX_CHUNKS);
        }
        return out -> {
            for (int i = 1; i <= chunks; i++) {
                out.write(("chunk " + i + " of " + chunks + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        };
    }
}
