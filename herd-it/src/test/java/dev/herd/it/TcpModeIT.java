package dev.herd.it;

import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;
import dev.herd.os.ExitCode;
import dev.herd.os.Signal;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code herd serve --protocol tcp}: the Redis example in real handler processes, spoken to by
 * the real {@code redis-cli} and {@code redis-benchmark}, stopped gracefully with connections open;
 * a blocking application's thread waiting for input, ended by the drain; and an HTTP application
 * under {@code --protocol tcp}, refused at boot.
 */
class TcpModeIT {
    private static final String ASYNC = "dev.herd.examples.redis.RedisApp";
    private static final String BLOCKING = "dev.herd.examples.redis.BlockingRedisApp";

    /** An HTTP application, which --protocol tcp must refuse (loaded from this module's test classes). */
    public static final class NotATcpApp implements HttpApp {
        @Override
        public Response handle(Request request) {
            return Response.text("hello");
        }
    }

    private static HerdProcess redis(String name, String app, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--protocol", "tcp", "--app", app,
                "--classpath", RedisTools.exampleJar().toString(), "--scaling", "static"));
        args.addAll(List.of(more));
        return HerdProcess.serve(name, args.toArray(String[]::new));
    }

    private static int port(HerdProcess herd) {
        return ((InetSocketAddress) herd.address()).getPort();
    }

    /** Both styles: callbacks on the event loops (2 handlers), and virtual threads (1 handler, to keep it quick). */
    @ParameterizedTest(name = "{0} with {1} handlers")
    @CsvSource({ASYNC + ", 2, callbacks on the event loops", BLOCKING + ", 1, a virtual thread per connection"})
    void theExampleAnswersRedisCliAndRedisBenchmark(String app, int handlers, String style) {
        RedisTools.require();
        try (HerdProcess herd = redis("tcp-" + app.substring(app.lastIndexOf('.') + 1), app,
                "--handlers", Integer.toString(handlers))) {
            herd.awaitReady(handlers);
            assertThat(herd.output()).contains("serving TCP with " + app + " (" + style + ")");
            int port = port(herd);
            assertThat(RedisTools.cli(port, "PING").output().strip()).isEqualTo("PONG");
            assertThat(RedisTools.cli(port, "ECHO", "hello herd").output().strip()).isEqualTo("hello herd");
            assertThat(RedisTools.cli(port, "NOSUCHCOMMAND").output()).contains("ERR unknown command");
            // One connection for both: each handler process has its own keyspace.
            Tools.Result setGet = RedisTools.cliScript(port, "SET greeting hello\nGET greeting\nINCR n\nINCR n\n");
            assertThat(setGet.output().lines().toList()).containsExactly("OK", "hello", "1", "2");

            Tools.Result bench = RedisTools.benchmark(port, "-n", "2000", "-c", "10", "-t", "ping,set,get", "-q");
            assertThat(bench.status()).as(bench.output()).isZero();
            assertThat(bench.lines().stream().filter(l -> l.contains("requests per second"))
                    .map(l -> l.substring(0, l.indexOf(':'))).toList())
                    .as(bench.output()).containsExactly("PING_INLINE", "PING_MBULK", "SET", "GET");
            assertThat(bench.output().toLowerCase(java.util.Locale.ROOT)).as(bench.output())
                    .doesNotContain("error").doesNotContain("warning");

            // Once the clients are gone, every loop is idle again, and the work was counted.
            herd.awaitHandlers("every loop idle, requests counted", Duration.ofSeconds(10), s ->
                    s.path("handlers").findValues("in_flight").stream().allMatch(n -> n.asLong() == 0)
                            && s.path("handlers").findValues("requests").stream().mapToLong(n -> n.asLong()).sum() > 0);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void sigtermWithConnectionsOpenEndsThemAtABoundaryAndExitsZero() throws Exception {
        try (HerdProcess herd = redis("tcp-redis-stop", ASYNC, "--handlers", "1");
             Socket idle = new Socket();
             Socket midCommand = new Socket()) {
            herd.awaitReady(1);
            for (Socket s : List.of(idle, midCommand)) {
                s.connect(herd.address(), 5_000);
                s.setSoTimeout(20_000);
            }
            send(idle, "PING\r\n");
            assertThat(read(idle.getInputStream(), 7)).isEqualTo("+PONG\r\n");
            send(midCommand, "*2\r\n$3\r\nGET\r\n$1");
            herd.awaitHandlers("both connections open", Duration.ofSeconds(10),
                    s -> s.path("handlers").findValues("connections").stream().mapToLong(n -> n.asLong()).sum() == 2);

            herd.signalSpawner(Signal.TERM);

            assertThat(idle.getInputStream().read()).as("the idle connection is closed at once").isEqualTo(-1);
            // The handler drains (the idle connection showed it); the command in progress is still answered.
            send(midCommand, "\r\nk\r\n");
            assertThat(read(midCommand.getInputStream(), 5)).isEqualTo("$-1\r\n");
            assertThat(midCommand.getInputStream().read()).as("then closed").isEqualTo(-1);

            assertThat(herd.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCode.OK.status());
            assertThat(herd.output()).contains("redis example: handler 0 drains, dropping its");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void aStopEndsTheInputOfABlockedReaderLongBeforeTheGracefulTimeout() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("tcp-drain-reader", "--protocol", "tcp",
                "--app", "dev.herd.testapps.EchoTcp", "--classpath", ApplicationIT.CLASSPATH,
                "--handlers", "1", "--scaling", "static", "--graceful-timeout", "120s");
             Socket client = new Socket()) {
            herd.awaitReady(1);
            client.connect(herd.address(), 5_000);
            // Well under the graceful timeout: a read that waits for it fails the test.
            client.setSoTimeout(30_000);
            send(client, "hello");
            herd.awaitHandlers("the connection open", Duration.ofSeconds(10),
                    s -> s.path("handlers").findValues("connections").stream().mapToLong(n -> n.asLong()).sum() == 1);

            herd.signalSpawner(Signal.TERM);

            // EchoTcp's serve (input().transferTo(output())) blocks in read: after the drain's
            // grace its read returns -1, serve returns, and the echo it gathered goes out before the close.
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("hello");
            assertThat(herd.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCode.OK.status());
            // No "graceful timeout: closing 1 connections" warning: the connection ended by itself.
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void anHttpApplicationUnderProtocolTcpIsABootFailure() throws Exception {
        Path testClasses = Path.of(NotATcpApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (HerdProcess herd = HerdProcess.serve("tcp-http-app", "--protocol", "tcp",
                "--app", NotATcpApp.class.getName(), "--classpath", testClasses.toString(),
                "--handlers", "1", "--max-boot-failures", "1")) {
            assertThat(herd.awaitExit(Duration.ofSeconds(60))).isEqualTo(ExitCode.BOOT_FAILURE.status());
            assertThat(herd.output()).contains("application class " + NotATcpApp.class.getName()
                    + " is an HTTP application: use --protocol http");
            assertThat(herd.unexpectedProblems("is an HTTP application", "before it was ready",
                    "failed to boot")).isEmpty();
        }
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String read(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
    }
}
