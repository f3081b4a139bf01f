package dev.herd.it;

import dev.herd.os.ExitCode;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unmodified JDK HttpServer programs ({@code --main}) on the real spawner and two handlers: the
 * plain example, and a JAX-RS application on Jersey's JDK HttpServer container from Maven Central.
 */
class JdkProgramIT {
    static final String EXAMPLES = "../examples/";

    @Test
    void anUnmodifiedHttpServerProgramServesFromEveryHandler() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("jdk-program", "--handlers", "2", "--max-body", "2m",
                "--main", "dev.herd.examples.jdkhttp.Main",
                "--classpath", EXAMPLES + "jdk-httpserver/target/jdk-httpserver.jar", "--", "8000")) {
            herd.awaitReady(2);

            HttpResponse<byte[]> hello = send(herd, HttpRequest.newBuilder(uri(herd, "/")));
            assertThat(new String(hello.body())).isEqualTo("Hello, World!");
            assertThat(hello.headers().firstValue("x-filtered")).as("the program's filter").hasValue("yes");
            HttpResponse<byte[]> head = send(herd, HttpRequest.newBuilder(uri(herd, "/"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertThat(head.headers().firstValue("content-length")).hasValue("13");
            assertThat(head.body()).isEmpty();
            assertBodiesGoBothWays(herd, "/echo", "/bytes?n=", "/stream?chunks=5");
            HttpResponse<byte[]> streamed = send(herd, HttpRequest.newBuilder(uri(herd, "/stream?chunks=5")));
            assertThat(streamed.headers().firstValue("transfer-encoding")).as("flushed as it goes").hasValue("chunked");
            assertThat(send(herd, HttpRequest.newBuilder(uri(herd, "/empty"))).statusCode()).isEqualTo(204);
            herd.awaitLine("herd serves it on its own socket", Duration.ofSeconds(10));
            assertBothHandlersServed(herd);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void aJerseyApplicationRunsUnmodified() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("jdk-jersey", "--handlers", "2", "--max-body", "2m",
                "--main", "dev.herd.examples.jersey.Main",
                "--classpath", EXAMPLES + "jersey/target/jersey.jar:" + EXAMPLES + "jersey/target/lib/*")) {
            herd.awaitReady(2);

            assertThat(new String(send(herd, HttpRequest.newBuilder(uri(herd, "/hello"))).body())).isEqualTo("Hello, World!");
            HttpResponse<byte[]> item = send(herd, HttpRequest.newBuilder(uri(herd, "/items/1")));
            assertThat(new String(item.body())).contains("\"name\":\"kettle\"");
            assertThat(item.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(send(herd, HttpRequest.newBuilder(uri(herd, "/items/999"))).statusCode()).isEqualTo(404);
            assertBodiesGoBothWays(herd, "/echo", "/bytes/", "/stream?chunks=5");
            assertBothHandlersServed(herd);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void aProgramThatCannotStartEndsTheSpawnerWithOneLine() {
        try (HerdProcess herd = HerdProcess.serve("jdk-missing", "--handlers", "1", "--max-boot-failures", "1",
                "--main", "com.example.NoSuchMain",
                "--classpath", EXAMPLES + "jdk-httpserver/target/jdk-httpserver.jar")) {
            assertThat(herd.awaitExit(Duration.ofSeconds(60))).isEqualTo(ExitCode.BOOT_FAILURE.status());
            assertThat(herd.lines().stream().filter(l -> l.contains("boot failed: JDK program com.example.NoSuchMain")))
                    .hasSize(1);
        }
    }

    /** Request and response bodies of 0 bytes, 1 MiB and streamed (chunked both ways). */
    private static void assertBodiesGoBothWays(HerdProcess herd, String echo, String bytes, String stream) throws Exception {
        byte[] mebibyte = new byte[1024 * 1024];
        Arrays.fill(mebibyte, (byte) 'j');
        for (byte[] body : List.of(new byte[0], mebibyte)) {
            HttpResponse<byte[]> fixed = send(herd, HttpRequest.newBuilder(uri(herd, echo))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertThat(fixed.statusCode()).isEqualTo(200);
            assertThat(fixed.body()).isEqualTo(body);
            HttpResponse<byte[]> chunked = send(herd, HttpRequest.newBuilder(uri(herd, echo))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
            assertThat(chunked.body()).isEqualTo(body);
        }
        for (int n : new int[]{0, 1024 * 1024}) {
            HttpResponse<byte[]> r = send(herd, HttpRequest.newBuilder(uri(herd, bytes + n)));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).hasSize(n);
        }
        HttpResponse<byte[]> streamed = send(herd, HttpRequest.newBuilder(uri(herd, stream)));
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(new String(streamed.body()).lines()).hasSize(5);
    }

    private static void assertBothHandlersServed(HerdProcess herd) throws Exception {
        for (int i = 0; i < 20; i++) {
            send(herd, HttpRequest.newBuilder(uri(herd, "/nope")));
        }
        herd.status().path("handlers").forEach(h ->
                assertThat(h.path("requests").asLong()).as("requests of handler " + h.path("slot")).isPositive());
    }

    /** A client of its own per request, so every request opens a connection and the handlers take turns. */
    private static HttpResponse<byte[]> send(HerdProcess herd, HttpRequest.Builder request) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private static URI uri(HerdProcess herd, String target) {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) herd.address()).getPort() + target);
    }
}
