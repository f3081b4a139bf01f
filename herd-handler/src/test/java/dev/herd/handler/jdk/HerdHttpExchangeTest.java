package dev.herd.handler.jdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.herd.api.BodyTooLargeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * One exchange of a JDK program against a fake call: the response framing rules of
 * {@code sendResponseHeaders}, the request side, and how failures end the call.
 */
class HerdHttpExchangeTest {
    private final Fixture fixture = new Fixture();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Serves {@code call} with {@code handler} on "/", and checks the call was answered once. */
    private FakeCall serve(FakeCall call, HttpHandler handler) {
        fixture.serve("/", handler);
        FakeCall ended = fixture.call(call);
        assertThat(ended.violations()).isEmpty();
        return ended;
    }

    private FakeCall get(HttpHandler handler) {
        return serve(FakeCall.request("GET", "/"), handler);
    }

    @Test
    void fixedLengthBodyIsAnsweredWholeWithTheProgramsHeaders() {
        FakeCall call = get(exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 5);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(bytes("hello"));
            }
        });

        assertThat(call.status()).isEqualTo(200);
        assertThat(call.streamed()).isFalse();
        assertThat(call.text()).isEqualTo("hello");
        assertThat(call.header("Content-Type")).isEqualTo("text/plain");
    }

    @Test
    void lengthMinusOneSendsNoBodyAndClosesTheStream() {
        CompletableFuture<Throwable> write = new CompletableFuture<>();
        FakeCall call = get(exchange -> {
            exchange.sendResponseHeaders(404, -1);
            write.complete(catchThrowable(() -> exchange.getResponseBody().write('x')));
        });

        assertThat(call.status()).isEqualTo(404);
        assertThat(call.text()).isEmpty();
        assertThat(write.join()).isInstanceOf(IOException.class).hasMessage("stream closed");
    }

    @Test
    void lengthZeroBodyThatFitsIsAnsweredWholeAtClose() {
        FakeCall call = get(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(bytes("a"));
                body.write(bytes("bc"));
            }
        });

        assertThat(call.streamed()).isFalse();
        assertThat(call.text()).isEqualTo("abc");
    }

    @Test
    void lengthZeroLargeBodyIsStreamedWithUnknownLength() {
        byte[] large = new byte[3 * Reply.BUFFER + 17];
        new Random(1).nextBytes(large);
        FakeCall call = get(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                for (int i = 0; i < large.length; i += 1000) {
                    body.write(large, i, Math.min(1000, large.length - i));
                }
            }
        });

        assertThat(call.streamed()).isTrue();
        assertThat(call.streamedLength()).isEqualTo(-1);
        assertThat(call.cut()).isFalse();
        assertThat(call.bytes()).isEqualTo(large);
    }

    @Test
    void flushSendsTheHeadAndWhatWasWrittenAtOnce() {
        FakeCall call = FakeCall.request("GET", "/");
        CompletableFuture<String> seenAfterFlush = new CompletableFuture<>();
        serve(call, exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            body.write(bytes("event 1\n"));
            body.flush();
            seenAfterFlush.complete(call.streamed() + " " + call.text());
            body.write(bytes("event 2\n"));
            body.close();
        });

        assertThat(seenAfterFlush.join()).isEqualTo("true event 1\n");
        assertThat(call.text()).isEqualTo("event 1\nevent 2\n");
        assertThat(call.cut()).isFalse();
    }

    @Test
    void largeFixedLengthIsStreamedWithThatLengthAndEndsAtItsLastByte() {
        byte[] large = new byte[2 * Reply.BUFFER + 5];
        new Random(2).nextBytes(large);
        // The handler never closes: the last byte ends the response all the same.
        FakeCall call = get(exchange -> {
            exchange.sendResponseHeaders(200, large.length);
            exchange.getResponseBody().write(large);
        });

        assertThat(call.streamed()).isTrue();
        assertThat(call.streamedLength()).isEqualTo(large.length);
        assertThat(call.cut()).isFalse();
        assertThat(call.bytes()).isEqualTo(large);
    }

    @Test
    void writingPastTheLengthThrowsAndLeavesTheStreamOpen() {
        CompletableFuture<Throwable> tooMuch = new CompletableFuture<>();
        FakeCall call = get(exchange -> {
            exchange.sendResponseHeaders(200, 3);
            OutputStream body = exchange.getResponseBody();
            tooMuch.complete(catchThrowable(() -> body.write(bytes("abcd"))));
            body.write(bytes("abc"));
            body.close();
        });

        assertThat(tooMuch.join()).isInstanceOf(IOException.class).hasMessage("too many bytes to write to stream");
        assertThat(call.text()).isEqualTo("abc");
        assertThat(call.cut()).isFalse();
    }

    @Test
    void closingShortOfTheLengthThrowsAndCutsTheConnection() {
        CompletableFuture<Throwable> close = new CompletableFuture<>();
        FakeCall call = get(exchange -> {
            exchange.sendResponseHeaders(200, 10);
            OutputStream body = exchange.getResponseBody();
            body.write(bytes("four"));
            close.complete(catchThrowable(() -> body.close()));
        });

        assertThat(close.join()).isInstanceOf(IOException.class).hasMessage("insufficient bytes written to stream");
        assertThat(call.streamed()).isTrue();
        assertThat(call.streamedLength()).isEqualTo(10);
        assertThat(call.cut()).isTrue();
    }

    @Test
    void aSecondSendResponseHeadersThrows() {
        CompletableFuture<Throwable> second = new CompletableFuture<>();
        FakeCall call = get(exchange -> {
            exchange.sendResponseHeaders(200, -1);
            second.complete(catchThrowable(() -> exchange.sendResponseHeaders(500, -1)));
        });

        assertThat(second.join()).isInstanceOf(IOException.class).hasMessage("headers already sent");
        assertThat(call.status()).isEqualTo(200);
    }

    @Test
    void responseCodeIsMinusOneUntilTheHeadIsSent() {
        CompletableFuture<List<Integer>> codes = new CompletableFuture<>();
        get(exchange -> {
            int before = exchange.getResponseCode();
            exchange.sendResponseHeaders(201, -1);
            codes.complete(List.of(before, exchange.getResponseCode()));
        });

        assertThat(codes.join()).containsExactly(-1, 201);
    }

    @Test
    void writingBeforeTheHeadThrows() {
        CompletableFuture<Throwable> early = new CompletableFuture<>();
        get(exchange -> {
            early.complete(catchThrowable(() -> exchange.getResponseBody().write('x')));
            exchange.sendResponseHeaders(200, -1);
        });

        assertThat(early.join()).isInstanceOf(IOException.class).hasMessage("response headers not sent yet");
    }

    @Test
    void headRequestGetsTheHeadOnlyWhateverTheLength() {
        CompletableFuture<Throwable> write = new CompletableFuture<>();
        FakeCall call = serve(FakeCall.request("HEAD", "/"), exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 11);
            write.complete(catchThrowable(() -> exchange.getResponseBody().write(bytes("hello world"))));
        });

        assertThat(call.status()).isEqualTo(200);
        assertThat(call.streamed()).isFalse();
        assertThat(call.text()).isEmpty();
        assertThat(call.header("Content-Type")).isEqualTo("text/plain");
        assertThat(write.join()).isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {204, 304})
    void noContentAndNotModifiedNeverCarryABody(int status) {
        FakeCall call = get(exchange -> {
            exchange.sendResponseHeaders(status, 5);
            exchange.close();
        });

        assertThat(call.status()).isEqualTo(status);
        assertThat(call.streamed()).isFalse();
        assertThat(call.text()).isEmpty();
    }

    @Test
    void anExceptionBeforeTheResponseAnswers500WithIt() {
        IllegalStateException boom = new IllegalStateException("boom");
        FakeCall call = get(exchange -> {
            throw boom;
        });

        assertThat(call.status()).isEqualTo(500);
        assertThat(call.failure()).isSameAs(boom);
    }

    @Test
    void anExceptionAfterAStreamedHeadCutsTheConnection() {
        FakeCall call = get(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write(new byte[Reply.BUFFER + 1]);
            throw new IllegalStateException("half way");
        });

        assertThat(call.streamed()).isTrue();
        assertThat(call.cut()).isTrue();
        assertThat(call.failure()).hasMessage("half way");
    }

    @Test
    void anExceptionWhileTheBodyIsStillBufferedAnswers500() {
        FakeCall call = get(exchange -> {
            exchange.sendResponseHeaders(200, 100);
            exchange.getResponseBody().write(bytes("partial"));
            throw new IllegalStateException("half way");
        });

        assertThat(call.status()).isEqualTo(500);
        assertThat(call.streamed()).isFalse();
    }

    @Test
    void closingTheExchangeWithoutAHeadAnswers500() {
        FakeCall call = get(HttpExchange::close);

        assertThat(call.status()).isEqualTo(500);
        assertThat(call.failure()).hasMessageContaining("closed before sendResponseHeaders");
    }

    @Test
    void tryWithResourcesOnTheExchangeKeepsTheHandlersException() {
        FakeCall call = get(exchange -> {
            try (exchange) {
                throw new IllegalArgumentException("bad input");
            }
        });

        assertThat(call.status()).isEqualTo(500);
        assertThat(call.failure()).hasMessage("bad input");
    }

    @Test
    void aBodyOverTheLimitAnswers413() {
        FakeCall call = serve(FakeCall.withBody("POST", "/", new byte[100], 10), exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
        });

        assertThat(call.status()).isEqualTo(413);
        assertThat(call.failure()).isInstanceOf(BodyTooLargeException.class);
    }

    @Test
    void anEmptyRequestBodyReadsAsEndOfStream() {
        FakeCall call = serve(FakeCall.request("POST", "/"), exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = bytes("read " + body.length);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });

        assertThat(call.text()).isEqualTo("read 0");
    }

    @Test
    void aMebibyteRequestBodyStreamsThroughToTheResponse() {
        byte[] mebibyte = new byte[1 << 20];
        new Random(3).nextBytes(mebibyte);
        FakeCall call = serve(FakeCall.withBody("POST", "/", mebibyte,
                "Content-Length", String.valueOf(mebibyte.length)), exchange -> {
            long length = Long.parseLong(exchange.getRequestHeaders().getFirst("content-length"));
            exchange.sendResponseHeaders(200, length);
            try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        });

        assertThat(call.cut()).isFalse();
        assertThat(call.streamedLength()).isEqualTo(mebibyte.length);
        assertThat(Arrays.equals(call.bytes(), mebibyte)).isTrue();
    }

    @Test
    void theRequestBodyIsClosedOnceTheResponseIsComplete() {
        CompletableFuture<Throwable> read = new CompletableFuture<>();
        serve(FakeCall.withBody("POST", "/", bytes("ignored")), exchange -> {
            exchange.sendResponseHeaders(200, -1);
            read.complete(catchThrowable(() -> exchange.getRequestBody().read()));
        });

        assertThat(read.join()).isInstanceOf(IOException.class).hasMessage("Stream is closed");
    }

    @Test
    void theRequestIsWhatTheClientSent() {
        CompletableFuture<List<Object>> seen = new CompletableFuture<>();
        FakeCall call = FakeCall.request("PUT", "/things/a%20b?q=1", "x-trace-ID", "t1", "Accept", "a", "accept", "b");
        serve(call, exchange -> {
            seen.complete(List.of(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getProtocol(),
                    exchange.getRequestHeaders().getFirst("X-TRACE-id"), exchange.getRequestHeaders().keySet(),
                    exchange.getRequestHeaders().get("Accept"), exchange.getRemoteAddress(),
                    exchange.getLocalAddress(), exchange.getHttpContext().getPath()));
            exchange.sendResponseHeaders(204, -1);
        });

        assertThat(seen.join()).containsExactly("PUT", "/things/a b", "q=1", "HTTP/1.1", "t1",
                java.util.Set.of("X-trace-id", "Accept"), List.of("a", "b"), FakeCall.REMOTE, FakeCall.LOCAL, "/");
    }

    @Test
    void requestHeadersAreReadOnly() {
        CompletableFuture<Throwable> put = new CompletableFuture<>();
        get(exchange -> {
            put.complete(catchThrowable(() -> exchange.getRequestHeaders().add("X-Injected", "1")));
            exchange.sendResponseHeaders(204, -1);
        });

        assertThat(put.join()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void attributesBelongToTheExchangeAndFallBackToTheContext() {
        CompletableFuture<List<Object>> seen = new CompletableFuture<>();
        var context = fixture.serve("/", exchange -> {
            Object fromContext = exchange.getAttribute("pool");
            exchange.setAttribute("user", "ann");
            exchange.setAttribute("pool", null);
            seen.complete(Arrays.asList(fromContext, exchange.getAttribute("user"), exchange.getAttribute("pool")));
            exchange.sendResponseHeaders(204, -1);
        });
        context.getAttributes().put("pool", "the pool");

        fixture.get("/");

        assertThat(seen.join()).containsExactly("the pool", "ann", null);
        assertThat(context.getAttributes()).containsOnlyKeys("pool");
    }

    @Test
    void anExchangeNobodyClosesNorReferencesIsEndedOnceCollected() throws InterruptedException {
        FakeCall call = FakeCall.request("GET", "/forgotten");
        fixture.serve("/", exchange -> {
            // Returns without answering and without keeping the exchange.
        });
        fixture.program.serve(call);

        // Collection comes when the JVM decides: ask for it, and wait for the call's end between asks.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            System.gc();
            if (call.endsWithin(java.time.Duration.ofMillis(20))) {
                break;
            }
        }

        assertThat(call.isEnded()).as("ended once the exchange was collected").isTrue();
        assertThat(call.status()).isEqualTo(500);
        assertThat(call.violations()).isEmpty();
    }

    @Test
    void anExchangeKeptByTheProgramMayBeAnsweredLater() throws IOException {
        CompletableFuture<HttpExchange> kept = new CompletableFuture<>();
        FakeCall call = FakeCall.request("GET", "/later");
        fixture.serve("/", kept::complete);
        fixture.program.serve(call);

        HttpExchange exchange = kept.join();
        System.gc();
        assertThat(call.isEnded()).isFalse();
        exchange.sendResponseHeaders(200, 5);
        exchange.getResponseBody().write(bytes("later"));
        exchange.close();

        assertThat(call.await().text()).isEqualTo("later");
    }
}
