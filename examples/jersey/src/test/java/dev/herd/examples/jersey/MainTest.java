package dev.herd.examples.jersey;

import dev.herd.examples.testing.LocalServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The Jersey application on the JDK's own HttpServer, over real sockets: correct before herd runs it. */
class MainTest {
    private static final int MIB = 1 << 20;
    /** ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER's default: Jersey learns the length of shorter bodies. */
    private static final int JERSEY_BUFFER = 8192;

    @AutoClose
    private static final LocalServer server = LocalServer.start(Main::start);

    @Test
    void hello() throws Exception {
        HttpResponse<String> response = server.get("/hello");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello, World!");
        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, MIB})
    void echoReturnsTheRequestBytes(int size) throws Exception {
        byte[] body = LocalServer.random(size);

        HttpResponse<byte[]> response = server.post("/echo", body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/octet-stream");
    }

    @Test
    void echoReadsAChunkedRequestBody() throws Exception {
        byte[] body = LocalServer.random(MIB + 17);

        assertThat(server.postChunked("/echo", body).body()).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 37, JERSEY_BUFFER})
    void bytesThatFitJerseysBufferHaveALength(int n) throws Exception {
        HttpResponse<byte[]> response = server.send(server.request("/bytes/" + n));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(n);
        assertThat(response.headers().allValues("Content-Length")).containsExactly(Integer.toString(n));
        assertThat(response.headers().firstValue("Transfer-Encoding")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {JERSEY_BUFFER + 1, MIB})
    void longerBytesAreChunked(int n) throws Exception {
        HttpResponse<byte[]> response = server.send(server.request("/bytes/" + n));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(n);
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.headers().firstValue("Transfer-Encoding")).contains("chunked");
    }

    @Test
    void noBytesAreNoBody() throws Exception {
        HttpResponse<byte[]> response = server.send(server.request("/bytes/0"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("Content-Length")).contains("0");
    }

    @Test
    void streamIsFlushedLineByLine() throws Exception {
        HttpResponse<String> three = server.get("/stream?chunks=3");

        assertThat(three.statusCode()).isEqualTo(200);
        assertThat(three.body()).isEqualTo("chunk 1 of 3\nchunk 2 of 3\nchunk 3 of 3\n");
        assertThat(server.get("/stream").body().lines()).hasSize(10);
        // Longer than Jersey's buffer, so Jersey cannot learn the length and chunks.
        HttpResponse<String> many = server.get("/stream?chunks=1000");
        assertThat(many.body().lines()).hasSize(1000);
        assertThat(many.headers().firstValue("Transfer-Encoding")).contains("chunked");
    }

    @Test
    void itemsAreJson() throws Exception {
        HttpResponse<String> response = server.get("/items/2");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body()).isEqualTo("{\"id\":2,\"name\":\"lamp\",\"tags\":[\"light\",\"desk\"]}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/items/9,              404",
            "/items/x,              404",
            "/nothing,              404",
            "/bytes/-1,             400",
            "/bytes/16777217,       400",
            "/stream?chunks=10001,  400"})
    void badRequests(String target, int status) throws Exception {
        assertThat(server.get(target).statusCode()).isEqualTo(status);
    }
}
