package dev.herd.testapps;

import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Blocking code on virtual threads (the default dispatch): sleeps, streamed bodies both ways, an
 * exception, and its lifecycle hooks seen from outside.
 */
public final class BlockingApp implements HttpApp {
    private static final System.Logger LOG = System.getLogger(BlockingApp.class.getName());
    private final AtomicInteger starts = new AtomicInteger();
    private volatile HandlerContext context;

    @Override
    public void start(HandlerContext context) {
        this.context = context;
        starts.incrementAndGet();
        LOG.log(Level.INFO, "start hook ran in slot " + context.slot() + " with args " + context.args());
    }

    @Override
    public void stop(HandlerContext context) {
        LOG.log(Level.INFO, "stop hook ran in slot " + context.slot());
    }

    @Override
    public Response handle(Request request) throws Exception {
        return switch (request.path()) {
            case "/slow" -> {
                long ms = Long.parseLong(request.query("ms").orElse("1000"));
                Thread.sleep(ms);
                yield Response.text("slept " + ms + " ms on " + (Thread.currentThread().isVirtual() ? "a virtual thread" : "a platform thread"));
            }
            case "/fast" -> Response.text("fast");
            case "/boom" -> throw new IllegalStateException("boom in application code");
            case "/hooks" -> Response.json("{\"starts\":" + starts.get() + ",\"args\":\"" + String.join(" ", context.args())
                    + "\",\"loader\":\"" + getClass().getClassLoader().getName() + "\"}");
            case "/netty" -> Response.text(nettyVersion());
            case "/echo" -> {
                // Streams the body back as it arrives: neither side is held in memory whole.
                InputStream in = request.bodyStream();
                yield Response.stream(200, "application/octet-stream", out -> copy(in, out));
            }
            case "/length" -> Response.text(String.valueOf(request.body().length));
            case "/bytes" -> {
                byte[] bytes = new byte[Integer.parseInt(request.query("n").orElse("0"))];
                Arrays.fill(bytes, (byte) 'x');
                yield Response.bytes(200, "application/octet-stream", bytes);
            }
            case "/chunks" -> {
                int chunks = Integer.parseInt(request.query("n").orElse("3"));
                yield Response.stream(200, "text/plain", out -> {
                    for (int i = 0; i < chunks; i++) {
                        out.write(("chunk " + i + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                });
            }
            default -> Response.text(404, "Not Found\n");
        };
    }

    /** {@code /echo} streams its body on purpose: it is read as it arrives, never held whole. */
    @Override
    public boolean streamsBody(Request request) {
        return request.path().equals("/echo");
    }

    private static void copy(InputStream in, OutputStream out) throws java.io.IOException {
        in.transferTo(out);
    }

    /** The Netty this application sees: its own, never herd's. */
    private static String nettyVersion() {
        return io.netty.util.Version.identify(BlockingApp.class.getClassLoader()).get("netty-common").artifactVersion();
    }
}
