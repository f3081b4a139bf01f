package dev.herd.handler.http;

import dev.herd.api.BodyTooLargeException;
import dev.herd.api.HandlerContext;
import dev.herd.handler.busy.BusyTime;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotState;
import dev.herd.time.MonotonicClock;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming paths of {@link HttpCall} (bodies read and written by another thread, files)
 * through the real pipeline on a real event loop, over loopback: what {@code EmbeddedChannel}
 * cannot show, since everything there runs "in the loop".
 */
class HttpStreamingTest {
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private MultiThreadIoEventLoopGroup group;
    private Channel server;
    private Scoreboard board;
    /** What the service does with each call, on a thread of its own; set by each test. */
    private volatile Consumer<HttpCall> onCall;
    private volatile HttpService.BodyMode mode = HttpService.BodyMode.STREAM;
    private final BlockingQueue<Throwable> serviceErrors = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws InterruptedException {
        board = Scoreboard.create(1, 1);
        Scoreboard.SlotWriter slot = board.writer(0, 1);
        slot.begin(1, 1, 0);
        slot.state(SlotState.READY);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        HttpService service = new HttpService() {
            @Override
            public BodyMode bodyMode(HttpRequest head) {
                return mode;
            }

            @Override
            public void serve(HttpCall call) {
                Thread.ofVirtual().start(() -> {
                    try {
                        onCall.accept(call);
                    } catch (Throwable e) {
                        serviceErrors.add(e);
                        call.fail(e);
                    }
                });
            }
        };
        HttpPipeline pipeline = new HttpPipeline(service, 8192, 16384, MAX_BODY, HttpPipeline.KeepAlive.idleTimeout(Duration.ofSeconds(15)));
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ServingLoop loop = new ServingLoop(ch.eventLoop(), slot.loop(0),
                                new HandlerContext(1, 0, 1, List.of()), () -> false, new BusyTime(MonotonicClock.SYSTEM), () -> 0);
                        pipeline.configure(ch, loop);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        board.close();
    }

    @Test
    void aStreamedBodyIsReadAsItArrivesAndAnsweredChunked() throws Exception {
        onCall = call -> {
            try (InputStream in = call.bodyStream()) {
                byte[] body = in.readAllBytes();
                OutputStream out = call.respondStreaming(ok(), -1);
                out.write(("got " + body.length + "\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, Math.min(5, body.length));
                out.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        String reply = exchange("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

        assertThat(reply).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("transfer-encoding: chunked")
                .endsWith("\r\n\r\nc\r\ngot 11\nhello\r\n0\r\n\r\n");
        assertThat(serviceErrors).isEmpty();
    }

    @Test
    void aSlowReaderStopsTheSocketBeingReadAndEveryByteArrives() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        CompletableFuture<byte[]> read = new CompletableFuture<>();
        onCall = call -> {
            try (InputStream in = call.bodyStream()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                byte[] small = new byte[1000];
                for (int n; (n = in.read(small)) > 0; ) {
                    all.write(small, 0, n);
                }
                read.complete(all.toByteArray());
                call.respond(ok(), Unpooled.copiedBuffer("done", StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        String reply = exchange("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n", body);

        assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(body);
        assertThat(reply).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\ndone");
    }

    @Test
    void aFixedLengthStreamIsSentWithItsLengthAndHttp10IsDelimitedByClose() throws Exception {
        onCall = call -> {
            long length = call.head().uri().equals("/fixed") ? 6 : -1;
            try {
                OutputStream out = call.respondStreaming(ok(), length);
                out.write("abc".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                out.write("def".getBytes(StandardCharsets.US_ASCII));
                out.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        assertThat(exchange("GET /fixed HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
                .containsIgnoringCase("content-length: 6").doesNotContainIgnoringCase("chunked").endsWith("\r\n\r\nabcdef");
        assertThat(exchange("GET /open HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"))
                // Answered as HTTP/1.1 (RFC 9110 §6.2), framed for HTTP/1.0: no chunks, the close ends the body.
                .startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("connection: close")
                .doesNotContainIgnoringCase("content-length").endsWith("\r\n\r\nabcdef");
    }

    @Test
    void aBodyShorterThanDeclaredCutsTheConnectionAndALongerOneIsRefused() throws Exception {
        CompletableFuture<String> tooLong = new CompletableFuture<>();
        onCall = call -> {
            OutputStream out = call.respondStreaming(ok(), 10);
            try {
                out.write(new byte[4]);
                if (call.head().uri().equals("/long")) {
                    try {
                        out.write(new byte[7]);
                    } catch (IOException e) {
                        tooLong.complete(e.getMessage());
                    }
                }
                out.close();
            } catch (IOException expected) {
                // Short of the declared length: the connection is cut.
            }
        };

        String reply = exchange("GET /short HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(reply).containsIgnoringCase("content-length: 10");
        assertThat(reply.substring(reply.indexOf("\r\n\r\n") + 4)).hasSize(4);
        exchange("GET /long HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(tooLong.get(10, TimeUnit.SECONDS)).contains("longer than its declared length of 10");
    }

    @Test
    void aFileIsSentAndHeadGetsItsLengthOnly(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "0123456789");
        mode = HttpService.BodyMode.WHOLE;
        onCall = call -> {
            try {
                call.respondFile(ok(), java.nio.channels.FileChannel.open(file), 2, 5);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        assertThat(exchange("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
                .containsIgnoringCase("content-length: 5").endsWith("\r\n\r\n23456");
        assertThat(exchange("HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
                .containsIgnoringCase("content-length: 5").endsWith("\r\n\r\n");
    }

    /** A region whose file several responses share lets go of its share: the pipeline only releases it. */
    @Test
    void aRegionIsReleasedOnceWrittenAndItsFileLeftOpen(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "0123456789");
        try (java.nio.channels.FileChannel shared = java.nio.channels.FileChannel.open(file)) {
            java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(2);
            mode = HttpService.BodyMode.WHOLE;
            onCall = call -> call.respondRegion(ok(), new io.netty.channel.DefaultFileRegion(shared, 2, 5) {
                @Override
                protected void deallocate() {
                    released.countDown();
                }
            });

            assertThat(exchange("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
                    .containsIgnoringCase("content-length: 5").endsWith("\r\n\r\n23456");
            assertThat(exchange("HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
                    .containsIgnoringCase("content-length: 5").endsWith("\r\n\r\n");
            assertThat(released.await(10, TimeUnit.SECONDS)).as("both regions released").isTrue();
            assertThat(shared.isOpen()).isTrue();
        }
        assertThat(serviceErrors).isEmpty();
    }

    @Test
    void aStreamedBodyOverTheLimitEndsIn413AndAnUnreadBodyIsDropped() throws Exception {
        onCall = call -> {
            if (call.head().uri().equals("/ignore")) {
                call.respond(ok(), Unpooled.copiedBuffer("ignored", StandardCharsets.US_ASCII));
                return;
            }
            try (InputStream in = call.bodyStream()) {
                in.readAllBytes();
                call.respond(ok(), Unpooled.EMPTY_BUFFER);
            } catch (IOException e) {
                assertThat(e).isInstanceOf(BodyTooLargeException.class);
                call.fail(e);
            }
        };
        byte[] big = new byte[MAX_BODY + 100];

        String tooLarge = exchange("POST /read HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(big.length) + "\r\n", big);
        // The body of a request left unread is dropped, and the next pipelined request is answered.
        String pipelined = exchange("POST /ignore HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /ignore HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");

        assertThat(tooLarge).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close");
        assertThat(pipelined.split("HTTP/1.1 200 OK", -1)).hasSize(3);
    }

    @Test
    void continueIsSentToHttp11OnlyAndAnUnknownExpectationIs417() throws Exception {
        onCall = call -> {
            try (InputStream in = call.bodyStream()) {
                call.respond(ok(), Unpooled.wrappedBuffer(in.readAllBytes()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        assertThat(exchange("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"))
                .startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n").endsWith("hi");
        assertThat(exchange("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi"))
                .startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(exchange("POST / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\nhi"))
                .startsWith("HTTP/1.1 417 ");
    }

    /** Bodies whose framing the client broke (RFC 9112 §7.1), each after a first good chunk. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> brokenBodies() {
        String head = "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n";
        List<String[]> bodies = List.of(
                new String[]{"a chunk size that overflows", "fffffffffffffffff\r\nx\r\n0\r\n\r\n"},
                new String[]{"a chunk size with a plus sign", "+2\r\nhi\r\n0\r\n\r\n"},
                new String[]{"a chunk size that is no number", "zz\r\nhi\r\n0\r\n\r\n"},
                new String[]{"chunk data not followed by CRLF", "2\r\nhiXY0\r\n\r\n"},
                new String[]{"a chunk extension without a name", "2;\r\nhi\r\n0\r\n\r\n"},
                new String[]{"a chunk extension named by a quote", "2;\"x\"\r\nhi\r\n0\r\n\r\n"},
                new String[]{"a chunk extension with a space in its name", "2;a b\r\nhi\r\n0\r\n\r\n"},
                new String[]{"a chunk extension with an empty value", "2;a=\r\nhi\r\n0\r\n\r\n"},
                new String[]{"a last chunk with a nameless extension", "0;\r\n\r\n"});
        List<org.junit.jupiter.params.provider.Arguments> cases = new java.util.ArrayList<>();
        for (HttpService.BodyMode mode : List.of(HttpService.BodyMode.STREAM, HttpService.BodyMode.BUFFERED)) {
            for (String[] body : bodies) {
                cases.add(org.junit.jupiter.params.provider.Arguments.of(mode, body[0], head + body[1]));
            }
        }
        return cases.stream();
    }

    /**
     * A body the client broke is its error, found wherever: 400 and the connection closed, never
     * the 500 the service's own failure would give (it reads the body as a JDK program would, and
     * fails with what the read threw). A buffered body's service is never called.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}: {1}")
    @org.junit.jupiter.params.provider.MethodSource("brokenBodies")
    void aBrokenBodyIs400AndClosedNever500(HttpService.BodyMode bodyMode, String what, String request) throws Exception {
        mode = bodyMode;
        java.util.concurrent.atomic.AtomicInteger called = new java.util.concurrent.atomic.AtomicInteger();
        onCall = call -> {
            called.incrementAndGet();
            try (InputStream in = call.bodyStream()) {
                byte[] body = in.readAllBytes();
                call.respond(ok(), Unpooled.wrappedBuffer(body));
            } catch (IOException e) {
                throw new IllegalStateException("the program could not read its body", e);
            }
        };

        String reply = exchange(request);

        assertThat(reply).as(what).startsWith("HTTP/1.1 400 ").containsIgnoringCase("connection: close")
                .doesNotContain(" 500 ").doesNotContain(" 200 ");
        if (bodyMode == HttpService.BodyMode.BUFFERED) {
            assertThat(called).as("calls of the service").hasValue(0);
        }
    }

    @Test
    void aGoodChunkExtensionIsAccepted() throws Exception {
        mode = HttpService.BodyMode.BUFFERED;
        onCall = call -> {
            try (InputStream in = call.bodyStream()) {
                call.respond(ok(), Unpooled.wrappedBuffer(in.readAllBytes()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        String reply = exchange("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "3 ; a = b;c;d=\"q \\\" x\"\r\nabc\r\n2;x\r\nde\r\n0;last=1\r\nTrailer-Field: v\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 200 ").endsWith("abcde");
    }

    /**
     * A buffered body reaches the service whole, however it arrived: in memory under the bound,
     * from a temporary file over it (which is gone when the exchange ends).
     */
    @Test
    void aBufferedBodyIsCalledWithOnceWholeFromMemoryOrAFile() throws Exception {
        mode = HttpService.BodyMode.BUFFERED;
        CompletableFuture<Integer> available = new CompletableFuture<>();
        onCall = call -> {
            try (InputStream in = call.bodyStream()) {
                available.complete(in.available());
                byte[] body = in.readAllBytes();
                call.respond(ok(), Unpooled.copiedBuffer("got " + body.length + " " + java.util.Arrays.hashCode(body),
                        StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        byte[] big = new byte[(int) HttpPipeline.Buffering.DEFAULT.memory() * 3 + 17];
        new java.util.Random(7).nextBytes(big);

        String reply = exchange("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + big.length
                + "\r\nConnection: close\r\n\r\n", big);

        assertThat(reply).startsWith("HTTP/1.1 200 ").endsWith("got " + big.length + " " + java.util.Arrays.hashCode(big));
        assertThat(available.get(5, TimeUnit.SECONDS)).as("all of it there at the call").isEqualTo(big.length);
    }

    private static DefaultHttpResponse ok() {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    }

    private String exchange(String head) throws IOException {
        return exchange(head, new byte[0]);
    }

    /** Sends a request (head, then body bytes, then the end of a chunked body if it is one) and reads to EOF. */
    private String exchange(String head, byte[] body) throws IOException {
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    if (head.contains("chunked") && body.length > 0) {
                        out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.flush();
                } catch (IOException ignored) {
                    // The server may answer and close before it read everything (413).
                }
            });
            byte[] reply = socket.getInputStream().readAllBytes();
            sent.cancel(true);
            return new String(reply, StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException reset) {
            return "reset: " + reset.getMessage();
        }
    }
}
