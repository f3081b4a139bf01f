package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.os.ExitCode;
import dev.herd.os.Signal;
import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User applications on the real spawner and handlers, loaded from a jar of their own
 * ({@code herd-testapps}) that brings an older Netty than herd's.
 */
class ApplicationIT {
    static final String CLASSPATH = "../herd-testapps/target/testapps.jar:../herd-testapps/target/lib/*";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            com.example.Missing                   | application class com.example.Missing not found on --classpath
            dev.herd.testapps.NotAnApp            | application class dev.herd.testapps.NotAnApp does not implement dev.herd.api.HttpApp, AsyncHttpApp, TcpApp or AsyncTcpApp
            dev.herd.testapps.ThrowingConstructor | application class dev.herd.testapps.ThrowingConstructor: its constructor threw java.lang.IllegalStateException: no configuration found
            dev.herd.testapps.FailingStart        | application dev.herd.testapps.FailingStart: its start hook failed: java.io.IOException: database unreachable
            dev.herd.testapps.EchoTcp             | application dev.herd.testapps.EchoTcp is a TCP application (TcpApp): serve it with --protocol tcp
            """)
    void aBadApplicationStopsTheSpawnerWithTheBootFailureCodeAndOneClearLine(String app, String line) {
        try (HerdProcess herd = HerdProcess.serve("bad-app-" + app, "--handlers", "1", "--max-boot-failures", "1",
                "--app", app, "--classpath", CLASSPATH)) {
            assertThat(herd.awaitExit(Duration.ofSeconds(60))).isEqualTo(ExitCode.BOOT_FAILURE.status());
            List<String> failures = herd.lines().stream().filter(l -> l.contains("boot failed: ")).toList();
            assertThat(failures).hasSize(1);
            assertThat(failures.getFirst()).contains("boot failed: " + line);
            assertThat(herd.output()).contains("handlers failed to boot 1 times in a row; stopping");
            boolean applicationCodeThrew = app.endsWith("ThrowingConstructor") || app.endsWith("FailingStart");
            // The developer gets the stack trace of their own code, and only then.
            assertThat(herd.output().contains("\tat app//dev.herd.testapps.")).isEqualTo(applicationCodeThrew);
        }
    }

    @Test
    void aSlowBlockingRequestDoesNotDelayAFastOneOnTheSameLoop() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("app-blocking", "--handlers", "1", "--threads", "1",
                "--app", "dev.herd.testapps.BlockingApp", "--classpath", CLASSPATH)) {
            herd.awaitReady(1);
            CompletableFuture<HttpProbe.Reply> slow = CompletableFuture.supplyAsync(() -> get(herd, "/slow?ms=4000"));
            herd.awaitHandlers("the slow request in flight", Duration.ofSeconds(10),
                    s -> s.path("handlers").get(0).path("in_flight").asInt() == 1);

            HttpProbe.Reply fast = herd.get("/fast");

            assertThat(fast.status()).isEqualTo(200);
            assertThat(fast.body()).isEqualTo("fast");
            assertThat(slow).as("the slow request, still sleeping on its virtual thread").isNotDone();
            assertThat(slow.get().body()).isEqualTo("slept 4000 ms on a virtual thread");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void anExceptionInApplicationCodeAnswers500ForThatRequestOnly() throws Exception {
        for (String app : List.of("dev.herd.testapps.BlockingApp", "dev.herd.testapps.LoopApp")) {
            try (HerdProcess herd = HerdProcess.serve("app-500-" + app, "--handlers", "1",
                    "--app", app, "--classpath", CLASSPATH)) {
                List<Long> pids = HerdProcess.readyPids(herd.awaitReady(1).status());

                HttpProbe.Reply boom = herd.get("/boom");
                HttpProbe.Reply after = herd.get("/");

                assertThat(boom.status()).isEqualTo(500);
                assertThat(boom.body()).isEqualTo("Internal Server Error\n");
                assertThat(after.status()).as("the next request").isIn(200, 404);
                assertThat(HerdProcess.readyPids(herd.status())).isEqualTo(pids);
                assertThat(herd.output()).contains("application failed on GET /boom")
                        .contains("java.lang.IllegalStateException: boom")
                        .contains("\tat app//dev.herd.testapps.");
                assertThat(herd.unexpectedProblems("application failed on GET /boom")).isEmpty();
            }
        }
    }

    @Test
    void badInputToAnApplicationGetsTheSameAnswersAsForTheDemo() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("app-bad-input", "--handlers", "1", "--max-body", "1k",
                "--app", "dev.herd.testapps.BlockingApp", "--classpath", CLASSPATH)) {
            herd.awaitReady(1);
            String big = "x".repeat(2048);

            assertThat(raw(herd, "POST /length HTTP/1.1\r\nHost: h\r\nContent-Length: 2048\r\n\r\n" + big).status())
                    .as("declared length over --max-body").isEqualTo(413);
            assertThat(raw(herd, "POST /length HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "800\r\n" + big + "\r\n0\r\n\r\n").status()).as("chunked body over --max-body, streamed").isEqualTo(413);
            assertThat(raw(herd, "NOT AN HTTP REQUEST\r\n\r\n").status()).isEqualTo(400);
            assertThat(raw(herd, "GET /fast HTTP/1.1\r\nHost: h\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n").status())
                    .isEqualTo(431);
            assertThat(raw(herd, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: h\r\n\r\n").status()).isEqualTo(414);
            assertThat(herd.get("/fast").status()).as("the handler keeps serving").isEqualTo(200);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void theApplicationSeesItsOwnLibrariesItsArgumentsAndHooks() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("app-isolation", "--handlers", "2",
                "--app", "dev.herd.testapps.BlockingApp", "--classpath", CLASSPATH, "--", "alpha", "beta")) {
            herd.awaitReady(2);

            // herd runs Netty 4.2 itself; the application brought 4.1.115 and must get it.
            assertThat(herd.get("/netty").body()).isEqualTo("4.1.115.Final");
            JsonNode hooks = new com.fasterxml.jackson.databind.ObjectMapper().readTree(herd.get("/hooks").body());
            assertThat(hooks.path("starts").asInt()).isEqualTo(1);
            assertThat(hooks.path("args").asText()).isEqualTo("alpha beta");
            assertThat(hooks.path("loader").asText()).isEqualTo("app");
            assertThat(herd.output()).contains("start hook ran in slot 0 with args [alpha, beta]")
                    .contains("start hook ran in slot 1 with args [alpha, beta]");

            herd.signalSpawner(Signal.TERM);
            assertThat(herd.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(herd.output()).contains("stop hook ran in slot 0").contains("stop hook ran in slot 1");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void bodiesOfNothingOneMebibyteAndStreamedGoBothWays() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("app-bodies", "--handlers", "2", "--max-body", "2m",
                "--app", "dev.herd.testapps.BlockingApp", "--classpath", CLASSPATH)) {
            herd.awaitReady(2);
            byte[] mebibyte = new byte[1024 * 1024];
            Arrays.fill(mebibyte, (byte) 'm');

            for (byte[] body : List.of(new byte[0], mebibyte)) {
                HttpResponse<byte[]> fixed = send(herd, HttpRequest.newBuilder(uri(herd, "/echo"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
                assertThat(fixed.statusCode()).isEqualTo(200);
                assertThat(fixed.body()).isEqualTo(body);
                // A body of unknown length goes out chunked, and a chunked request body streams in.
                HttpResponse<byte[]> chunked = send(herd, HttpRequest.newBuilder(uri(herd, "/echo"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
                assertThat(chunked.statusCode()).isEqualTo(200);
                assertThat(chunked.body()).isEqualTo(body);
                assertThat(chunked.headers().firstValue("transfer-encoding")).hasValue("chunked");
            }
            HttpResponse<byte[]> bytes = send(herd, HttpRequest.newBuilder(uri(herd, "/bytes?n=1048576")));
            assertThat(bytes.body()).hasSize(1024 * 1024);
            assertThat(bytes.headers().firstValue("content-length")).hasValue("1048576");
            HttpResponse<byte[]> chunks = send(herd, HttpRequest.newBuilder(uri(herd, "/chunks?n=3")));
            assertThat(new String(chunks.body())).isEqualTo("chunk 0\nchunk 1\nchunk 2\n");
            HttpResponse<byte[]> head = send(herd, HttpRequest.newBuilder(uri(herd, "/bytes?n=10"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertThat(head.headers().firstValue("content-length")).hasValue("10");
            assertThat(head.body()).isEmpty();
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    private HttpResponse<byte[]> send(HerdProcess herd, HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static URI uri(HerdProcess herd, String target) {
        InetSocketAddress a = (InetSocketAddress) herd.address();
        return URI.create("http://127.0.0.1:" + a.getPort() + target);
    }

    private static HttpProbe.Reply raw(HerdProcess herd, String request) throws java.io.IOException {
        return HttpProbe.exchange(herd.address(), request, Duration.ofSeconds(10));
    }

    private static HttpProbe.Reply get(HerdProcess herd, String target) {
        try {
            return herd.get(target);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
