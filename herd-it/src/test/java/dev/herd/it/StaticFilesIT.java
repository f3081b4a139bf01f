package dev.herd.it;

import dev.herd.testkit.Await;
import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import dev.herd.testkit.KeepAliveConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /**
     * The handlers' open-file caches see a file replaced by a rename, and one removed, within their
     * validity (a second): every request after that gets the new state, whichever handler and loop
     * answers. The large file goes out with sendfile from a descriptor the responses share.
     */
    @Test
    void filesReplacedOrRemovedOnDiskAreSeenByEveryHandler(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(root.resolve("small.txt"), "first small");
        String bigBefore = pattern(300 * 1024, 'a');
        String bigAfter = pattern(300 * 1024, 'A');
        Files.writeString(root.resolve("big.bin"), bigBefore, StandardCharsets.ISO_8859_1);
        try (HerdProcess herd = HerdProcess.serve("static-replaced", "--handlers", "2", "--static", root.toString())) {
            herd.awaitReady(2);
            for (int i = 0; i < 20; i++) { // cached by most loops, if not all
                assertThat(herd.get("/small.txt").body()).isEqualTo("first small");
                assertThat(herd.get("/big.bin").body()).isEqualTo(bigBefore);
            }

            replace(root.resolve("small.txt"), "second small");
            replace(root.resolve("big.bin"), bigAfter);
            Await.until("every handler serving the replaced files", Duration.ofSeconds(30),
                    () -> answers(herd, "/small.txt", "second small") && answers(herd, "/big.bin", bigAfter));
            try (KeepAliveConnection connection = new KeepAliveConnection(herd.address())) {
                for (int i = 0; i < 5; i++) { // one connection, one loop: its shared descriptor, again and again
                    assertThat(connection.get("/big.bin").body()).isEqualTo(bigAfter);
                }
            }

            Files.delete(root.resolve("small.txt"));
            Await.until("every handler answering 404 for the removed file", Duration.ofSeconds(30),
                    () -> answers(herd, "/small.txt", "Not Found\n"));
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    /** {@code length} bytes cycling from {@code first} through 26 letters. */
    private static String pattern(int length, char first) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) (first + i % 26));
        }
        return text.toString();
    }

    /** Writes {@code content} beside {@code file}, then renames it into place, as a deployment does. */
    private static void replace(Path file, String content) throws IOException {
        Path next = Files.writeString(file.resolveSibling(".next"), content, StandardCharsets.ISO_8859_1);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether 20 requests in a row, each on a connection of its own, all get {@code body}. */
    private static boolean answers(HerdProcess herd, String target, String body) {
        try {
            for (int i = 0; i < 20; i++) {
                if (!herd.get(target).body().equals(body)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
