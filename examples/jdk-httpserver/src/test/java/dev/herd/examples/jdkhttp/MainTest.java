package dev.herd.examples.jdkhttp;

import dev.herd.examples.testing.LocalServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The program on the JDK's own HttpServer, over real sockets: correct before herd runs it. */
class MainTest {
    private static final int MIB = 1 << 20;

    @AutoClose
    private static final LocalServer server = LocalServer.start(Main::start);

    @Test
    void helloHasAFixedLengthAndPassedTheFilter() throws Exception {
        HttpResponse<String> response = server.get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello, World!");
        assertThat(response.headers().firstValue("Content-Length")).contains("13");
        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
        assertThat(response.headers().firstValue("X-Filtered")).contains("yes");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, MIB})
    void echoStreamsTheBodyBackChunked(int size) throws Exception {
        byte[] body = LocalServer.random(size);

        HttpResponse<byte[]> response = server.post("/echo", body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.headers().firstValue("Transfer-Encoding")).contains("chunked");
        assertThat(response.headers().firstValue("X-Filtered")).contains("yes");
    }

    @Test
    void echoReadsAChunkedRequestBody() throws Exception {
        byte[] body = LocalServer.random(MIB + 17);

        assertThat(server.postChunked("/echo", body).body()).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 37, MIB, Main.MAX_BYTES})
    void bytesHaveAFixedLength(int n) throws Exception {
        HttpResponse<byte[]> response = server.send(server.request("/bytes?n=" + n));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(n);
        assertThat(response.headers().firstValue("Content-Length")).contains(Integer.toString(n));
        if (n > 0) {
            assertThat(response.body()[0]).isEqualTo((byte) '0');
            assertThat(response.body()[n - 1]).isEqualTo((byte) "0123456789abcdefghijklmnopqrstuvwxyz\n".charAt((n - 1) % 37));
        }
    }

    @Test
    void emptyIs204WithoutABody() throws Exception {
        HttpResponse<byte[]> response = server.send(server.request("/empty"));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.headers().firstValue("X-Filtered")).contains("yes");
    }

    @Test
    void streamSendsEveryChunk() throws Exception {
        HttpResponse<String> three = server.get("/stream?chunks=3");

        assertThat(three.statusCode()).isEqualTo(200);
        assertThat(three.body()).isEqualTo("chunk 1 of 3\nchunk 2 of 3\nchunk 3 of 3\n");
        assertThat(three.headers().firstValue("Transfer-Encoding")).contains("chunked");
        assertThat(server.get("/stream").body().lines()).hasSize(10);
        assertThat(server.get("/stream?chunks=0").body()).isEmpty();
    }

    @Test
    void headersAreEchoedAsText() throws Exception {
        HttpResponse<String> response = server.sendForText(server.request("/headers").header("X-Probe", "42"));

        assertThat(response.statusCode()).isEqualTo(200);
        // The JDK's Headers spell names with a capital first letter only.
        assertThat(response.body().lines()).contains("X-probe: 42").anyMatch(line -> line.startsWith("Host: 127.0.0.1:"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/nothing,              404",
            "/echo/more,            404",
            "/bytes,                400",
            "/bytes?n=-1,           400",
            "/bytes?n=16777217,     400",
            "/bytes?n=x,            400",
            "/stream?chunks=10001,  400"})
    void badRequestsAreFilteredToo(String target, int status) throws Exception {
        HttpResponse<String> response = server.get(target);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("X-Filtered")).contains("yes");
    }
}
