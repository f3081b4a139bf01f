package dev.herd.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BindTest {
    @Test
    void aSchemeSaysWhatIsSpokenAndABareAddressFollowsTheCertificates() {
        List<Bind> binds = Bind.parseAll("http://0.0.0.0:80  https://[::1]:443 127.0.0.1:8080");

        assertThat(binds).extracting(Bind::scheme).containsExactly(Bind.Scheme.HTTP, Bind.Scheme.HTTPS, Bind.Scheme.ANY);
        assertThat(binds).extracting(Bind::toString).containsExactly("http://0.0.0.0:80", "https://[0:0:0:0:0:0:0:1]:443",
                "127.0.0.1:8080");
        assertThat(binds.get(0).tls(true)).isFalse();
        assertThat(binds.get(1).tls(false)).isTrue();
        assertThat(binds.get(2).tls(true)).isTrue();
        assertThat(binds.get(2).tls(false)).isFalse();
        assertThat(Bind.parse("HTTPS://unix:/run/herd.sock").address()).isInstanceOf(Address.Unix.class);
    }

    @Test
    void anotherSchemeOrNothingIsRefused() {
        assertThatThrownBy(() -> Bind.parse("ftp://0.0.0.0:21")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> Bind.parseAll("  ")).hasMessageContaining("no address");
    }

    private static Config config(String... pairs) {
        Config.Builder builder = Config.builder();
        for (int i = 0; i < pairs.length; i += 2) {
            String name = pairs[i];
            Setting<?> setting = Settings.SERVE.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
            builder.set(setting, pairs[i + 1], Origin.COMMAND_LINE);
        }
        return builder.build();
    }

    @Test
    void severalAddressesAndTheRedirectAreChecked() {
        assertThatThrownBy(() -> Settings.validate(config("bind", "https://127.0.0.1:8443")))
                .hasMessageContaining("--bind https://127.0.0.1:8443 (command line) serves TLS: give --tls-cert");
        assertThatThrownBy(() -> Settings.validate(config("bind", "127.0.0.1:8080 127.0.0.1:8081", "transport", "nio")))
                .hasMessageContaining("need --transport epoll");
        assertThatThrownBy(() -> Settings.validate(config("bind", "127.0.0.1:8080", "tls-redirect", "on")))
                .hasMessageContaining("--tls-redirect sends cleartext addresses' clients to a TLS one");
    }
}
