package dev.herd.handler.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedirectServiceTest {
    @Test
    void theHostKeepsItsNameAndTakesTheTlsPort() {
        assertThat(RedirectService.location("example.com", "/a?b=1", 443)).isEqualTo("https://example.com/a?b=1");
        assertThat(RedirectService.location("example.com:80", "/", 8443)).isEqualTo("https://example.com:8443/");
        assertThat(RedirectService.location("[::1]:8080", "/x", 8443)).isEqualTo("https://[::1]:8443/x");
        assertThat(RedirectService.location("example.com", "*", 443)).isEqualTo("https://example.com/");
    }
}
