package dev.herd.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WarmupRequestTest {

    @Test
    void theFactoriesMakeWhatTheySay() {
        WarmupRequest post = WarmupRequest.post("/items", "application/json", "{\"n\":1}");

        assertThat(WarmupRequest.get("/a?b=c").method()).isEqualTo("GET");
        assertThat(post.headers().first("content-type")).contains("application/json");
        assertThat(new String(post.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
    }

    @Test
    void theBodyCannotBeChangedFromOutside() {
        byte[] body = {1, 2, 3};
        WarmupRequest request = WarmupRequest.post("/b", "application/octet-stream", body);
        body[0] = 9;
        request.body()[1] = 9;

        assertThat(request.body()).containsExactly(1, 2, 3);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            GET      | items        | not an origin-form target
            GET      | http://h/    | not an origin-form target
            GET      | /a b         | not an origin-form target
            GE T     | /            | not a request method
            ''       | /            | not a request method
            """)
    void aMalformedMethodOrTargetIsRefused(String method, String target, String message) {
        assertThatThrownBy(() -> new WarmupRequest(method, target, Headers.empty(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void theFramingFieldsAreHerds() {
        for (String name : new String[]{"Host", "content-length", "Transfer-Encoding", "Connection"}) {
            assertThatThrownBy(() -> new WarmupRequest("GET", "/", Headers.of(name, "x"), new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("herd sets " + name + " on warm-up requests itself");
        }
    }
}
