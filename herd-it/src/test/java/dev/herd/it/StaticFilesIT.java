package dev.herd.it;

import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --static} on the real spawner and handlers, alone and mounted beside an application. */
class StaticFilesIT {

    @Test
    void filesAreServedWithTypesValidatorsAndRangesAndNothingOutsideTheRoot(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(root.resolve("app.js"), "console.log(1)");
        Files.writeString(tmp.resolve("secret.txt"), "top secret");
        Files.createSymbolicLink(root.resolve("leak"), tmp.resolve("secret.txt"));
        try (HerdProcess herd = HerdProcess.serve("static-alone", "--handlers", "2", "--static", root.toString())) {
            herd.awaitReady(2);

            HttpProbe.Reply js = herd.get("/app.js");
            assertThat(js.status()).isEqualTo(200);
            assertThat(js.body()).isEqualTo("console.log(1)");
            assertThat(header(js, "content-type")).startsWith("text/javascript");
            assertThat(herd.get("/").body()).isEqualTo("<h1>home</h1>");

            String etag = header(js, "etag");
            assertThat(raw(herd, "GET /app.js HTTP/1.1\r\nHost: h\r\nIf-None-Match: " + etag + "\r\nConnection: close\r\n\r\n")
                    .status()).isEqualTo(304);
            HttpProbe.Reply range = raw(herd, "GET /app.js HTTP/1.1\r\nHost: h\r\nRange: bytes=0-6\r\nConnection: close\r\n\r\n");
            assertThat(range.status()).isEqualTo(206);
            assertThat(range.body()).isEqualTo("console");
            assertThat(raw(herd, "GET /app.js HTTP/1.1\r\nHost: h\r\nRange: bytes=100-\r\nConnection: close\r\n\r\n")
                    .status()).isEqualTo(416);
            HttpProbe.Reply head = raw(herd, "HEAD /app.js HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertThat(header(head, "content-length")).isEqualTo("14");
            assertThat(head.body()).isEmpty();

            for (String target : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt",
                    "/%252e%252e%252fsecret.txt", "/..%5csecret.txt", "/leak", "/app.js%00.png", "/..\\secret.txt")) {
                HttpProbe.Reply r = raw(herd, "GET " + target + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
                assertThat(r.status()).as(target).isIn(400, 403, 404);
                assertThat(r.body()).as(target).doesNotContain("top secret");
            }
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void aPrefixMountsTheFilesBesideTheApplication(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("assets"));
        Files.writeString(root.resolve("style.css"), "body{}");
        try (HerdProcess herd = HerdProcess.serve("static-mounted", "--handlers", "1",
                "--app", "demo", "--static", "/assets=" + root)) {
            herd.awaitReady(1);

            HttpProbe.Reply css = herd.get("/assets/style.css");
            assertThat(css.body()).isEqualTo("body{}");
            assertThat(header(css, "content-type")).startsWith("text/css");
            assertThat(herd.get("/").body()).as("the application answers the rest").isEqualTo("Hello, World!");
            assertThat(herd.get("/assetsx").status()).isEqualTo(404);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void filesAtTheRootBesideAnApplicationAreRefusedAtStart(@TempDir Path tmp) {
        try (HerdProcess herd = HerdProcess.serve("static-conflict", "--app", "demo", "--static", tmp.toString())) {
            assertThat(herd.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(herd.output()).contains("would answer every path").contains("--static /assets=");
        }
    }

    private static HttpProbe.Reply raw(HerdProcess herd, String request) throws IOException {
        return HttpProbe.exchange(herd.address(), request, Duration.ofSeconds(10));
    }

    private static String header(HttpProbe.Reply reply, String name) {
        return reply.header(name).orElseThrow(() -> new AssertionError("no " + name + " in " + reply.headers()));
    }
}
