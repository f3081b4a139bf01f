package dev.herd.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeadersTest {

    @Test
    void namesCompareWithoutCaseAndKeepEveryValueInOrder() {
        Headers h = Headers.of("Set-Cookie", "a=1", "content-type", "text/plain", "set-cookie", "b=2");

        assertThat(h.first("SET-COOKIE")).hasValue("a=1");
        assertThat(h.all("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(h.contains("Content-Type")).isTrue();
        assertThat(h.first("X-None")).isEmpty();
        assertThat(h.all("X-None")).isEmpty();
        assertThat(h.names()).containsExactly("Set-Cookie", "content-type");
        assertThat(h.size()).isEqualTo(3);
    }

    @Test
    void withAddsAndReplacingReplaces() {
        Headers h = Headers.of("A", "1").with("a", "2");
        assertThat(h.all("A")).containsExactly("1", "2");
        assertThat(h.replacing("A", "3").all("a")).containsExactly("3");
        assertThat(h).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nSet-Cookie: evil=1", "line\nbreak", "nul\0", "wide\u0100"})
    void aValueThatWouldSplitTheResponseIsRefused(String value) {
        assertThatThrownBy(() -> Headers.of("X-Test", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("X-Test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bell\u0007", "escape\u001b[0m", "delete\u007f"})
    void otherControlCharactersAreRefused(String value) {
        assertThatThrownBy(() -> Headers.of("X-Test", value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tabsSpacesAndObsTextAreFieldContent() {
        assertThat(Headers.of("X-Test", "a\tb c \u00e9").first("x-test")).hasValue("a\tb c \u00e9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bad Name", "colon:", "new\nline", "(paren)"})
    void aNameThatIsNoTokenIsRefused(String name) {
        assertThatThrownBy(() -> Headers.of(name, "v")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oddArgumentsAreRefused() {
        assertThatThrownBy(() -> Headers.of("A")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Headers.empty()).isEmpty();
        assertThat(List.copyOf(Headers.empty().names())).isEmpty();
    }
}
