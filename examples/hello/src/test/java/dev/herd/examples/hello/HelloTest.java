package dev.herd.examples.hello;

import dev.herd.api.Dispatch;
import dev.herd.api.HttpApp;
import dev.herd.api.Response;
import dev.herd.examples.testing.Bodies;
import dev.herd.examples.testing.FakeRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class HelloTest {

    static Stream<Arguments> cases() {
        return Stream.of(new HelloLoop(), new HelloVirtual()).flatMap(app -> Stream.of(
                Arguments.of(app, "GET", "/", 200, "Hello, World!"),
                Arguments.of(app, "GET", "/?name=x", 200, "Hello, World!"),
                Arguments.of(app, "HEAD", "/", 200, "Hello, World!"),
                Arguments.of(app, "POST", "/", 405, "Method Not Allowed\n"),
                Arguments.of(app, "GET", "/index.html", 404, "Not Found\n"),
                Arguments.of(app, "GET", "//", 404, "Not Found\n")));
    }

    @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
    @MethodSource("cases")
    void answers(HttpApp app, String method, String target, int status, String body) throws Exception {
        Response response = app.handle(FakeRequest.of(method, target));

        assertThat(response.status()).isEqualTo(status);
        assertThat(Bodies.text(response)).isEqualTo(body);
        assertThat(response.contentType()).contains("text/plain; charset=utf-8");
    }

    @Test
    void helloIsOneSharedResponse() {
        // Benchmarks measure herd, not the allocation of a response per request.
        assertThat(new HelloLoop().handle(FakeRequest.get("/")))
                .isSameAs(new HelloVirtual().handle(FakeRequest.get("/")));
    }

    @Test
    void notAllowedSaysWhatIs() {
        assertThat(new HelloLoop().handle(FakeRequest.of("DELETE", "/")).headers().first("Allow"))
                .contains("GET, HEAD");
    }

    @Test
    void eachDeclaresWhereItRuns() {
        assertThat(new HelloLoop().dispatch()).isEqualTo(Dispatch.EVENT_LOOP);
        assertThat(new HelloVirtual().dispatch()).isEqualTo(Dispatch.VIRTUAL_THREAD);
    }
}
