package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples of {@code examples/} that use the herd API, each run on real handlers as its README says. */
class ExamplesIT {
    static final String EXAMPLES = "../examples/";
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void helloWorldOnTheLoopAndOnVirtualThreads() throws Exception {
        for (String app : new String[]{"HelloLoop", "HelloVirtual"}) {
            try (HerdProcess herd = HerdProcess.serve("example-" + app, "--handlers", "1",
                    "--app", "dev.herd.examples.hello." + app, "--classpath", EXAMPLES + "hello/target/hello.jar")) {
                herd.awaitReady(1);
                assertThat(send(herd, "GET", "/", null).body()).isEqualTo("Hello, World!");
                assertThat(send(herd, "GET", "/nope", null).statusCode()).isEqualTo(404);
                assertThat(herd.unexpectedProblems()).isEmpty();
            }
        }
    }

    @Test
    void theJsonApiRunsOnItsOwnJacksonBesideHerdsOwn() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("example-json-api", "--handlers", "2",
                "--app", "dev.herd.examples.json.JsonApi",
                "--classpath", EXAMPLES + "json-api/target/json-api.jar:" + EXAMPLES + "json-api/target/lib/*")) {
            herd.awaitReady(2);

            JsonNode about = json.readTree(send(herd, "GET", "/about", null).body());
            assertThat(about.path("jackson").asText()).isEqualTo("2.17.2");
            assertThat(about.path("jacksonInAppLoader").asBoolean()).isTrue();

            HttpResponse<String> created = send(herd, "POST", "/items", "{\"name\":\"hammer\",\"tags\":[\"tool\"]}");
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(created.headers().firstValue("location")).hasValueSatisfying(l -> assertThat(l).startsWith("/items/"));
            assertThat(send(herd, "POST", "/items", "{not json").statusCode()).isEqualTo(400);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void theJdbcNotesAreSharedByEveryHandlerThroughOneSqliteFile(@TempDir Path dir) throws Exception {
        try (HerdProcess herd = HerdProcess.serve("example-jdbc", "--handlers", "2",
                "--app", "dev.herd.examples.jdbc.Notes",
                "--classpath", EXAMPLES + "jdbc/target/jdbc.jar:" + EXAMPLES + "jdbc/target/lib/*",
                "--", dir.resolve("notes.db").toString())) {
            herd.awaitReady(2);

            for (int i = 0; i < 10; i++) {
                assertThat(send(herd, "POST", "/notes", "note " + i).statusCode()).isEqualTo(201);
            }
            // Each request comes on a new connection, so both handlers answer; every one sees all ten notes.
            Set<Integer> counts = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                counts.add(json.readTree(send(herd, "GET", "/notes", null).body()).size());
            }
            assertThat(counts).containsExactly(10);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    private HttpResponse<String> send(HerdProcess herd, String method, String target, String body) throws Exception {
        InetSocketAddress a = (InetSocketAddress) herd.address();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + target))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && body.startsWith("{")) {
            request.header("Content-Type", "application/json");
        }
        // A client of its own per request, so a new connection each time: the handlers take turns.
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
