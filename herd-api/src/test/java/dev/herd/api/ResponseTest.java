package dev.herd.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseTest {

    @Test
    void factoriesSetStatusTypeAndBody() {
        Response text = Response.text("hi");
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.contentType()).hasValue("text/plain; charset=utf-8");
        assertThat(((Body.Bytes) text.body()).bytes()).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));

        Response latin = Response.text(201, "text/csv", "é", StandardCharsets.ISO_8859_1);
        assertThat(latin.contentType()).hasValue("text/csv; charset=iso-8859-1");
        assertThat(((Body.Bytes) latin.body()).bytes()).containsExactly((byte) 0xe9);

        assertThat(Response.json("{}").contentType()).hasValue("application/json");
        assertThat(Response.status(204).body()).isInstanceOf(Body.Empty.class);
        assertThat(Response.file(Path.of("a.txt"), "text/plain").body()).isEqualTo(new Body.File(Path.of("a.txt"), 0, -1));
        assertThat(((Body.Streamed) Response.stream(200, "text/plain", out -> { }).body()).length()).isEqualTo(-1);
    }

    @Test
    void withersReturnNewResponsesAndLeaveTheOriginal() {
        Response base = Response.text("x");
        Response changed = base.withStatus(404).withHeader("Set-Cookie", "a=1").withHeader("Set-Cookie", "b=2");
        assertThat(base.status()).isEqualTo(200);
        assertThat(base.headers().contains("Set-Cookie")).isFalse();
        assertThat(changed.headers().all("set-cookie")).containsExactly("a=1", "b=2");
        assertThat(changed.replacingHeader("Content-Type", "text/html").contentType()).hasValue("text/html");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 99, 100, 101, 199, 600, -1})
    void onlyFinalStatusesAreAccepted(int status) {
        assertThatThrownBy(() -> Response.status(status)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(status));
    }

    @Test
    void bodiesCheckTheirArguments() {
        assertThatThrownBy(() -> new Body.File(Path.of("f"), -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Body.Streamed(-2, out -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Response.text(200, "x").withHeader("X", "a\nb")).isInstanceOf(IllegalArgumentException.class);
    }
}
