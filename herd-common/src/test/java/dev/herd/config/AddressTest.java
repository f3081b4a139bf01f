package dev.herd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AddressTest {

    @Test
    void ipv4HostAndPort() {
        Address a = Address.parse("127.0.0.1:8080");
        assertThat(a).isInstanceOf(Address.Inet.class);
        Address.Inet inet = (Address.Inet) a;
        assertThat(inet.host()).isInstanceOf(Inet4Address.class);
        assertThat(inet.host().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(inet.port()).isEqualTo(8080);
    }

    @Test
    void bracketedIpv6HostAndPort() {
        Address.Inet inet = (Address.Inet) Address.parse("[::1]:8080");
        assertThat(inet.host()).isInstanceOf(Inet6Address.class);
        assertThat(inet.host().isLoopbackAddress()).isTrue();
        assertThat(inet.port()).isEqualTo(8080);
    }

    @Test
    void unixPath() {
        Address a = Address.parse("unix:/tmp/x.sock");
        assertThat(a).isEqualTo(new Address.Unix(Path.of("/tmp/x.sock")));
    }

    @Test
    void relativeUnixPathIsMadeAbsolute() {
        Address.Unix unix = (Address.Unix) Address.parse("unix:x.sock");
        assertThat(unix.path().isAbsolute()).isTrue();
        assertThat(unix.path().getFileName()).isEqualTo(Path.of("x.sock"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"*:80", ":80"})
    void wildcardHostMeansEveryIpv4Address(String text) {
        Address.Inet inet = (Address.Inet) Address.parse(text);
        assertThat(inet.host().getHostAddress()).isEqualTo("0.0.0.0");
        assertThat(inet.port()).isEqualTo(80);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1       | no port",
            "127.0.0.1:      | is not a number",
            "127.0.0.1:http  | is not a number",
            "::1:8080        | needs brackets",
            "127.0.0.1:65536 | out of range",
            "127.0.0.1:-1    | out of range",
            "unix:           | needs a path",
    })
    void malformedAddressesAreRefusedWithTheReason(String text, String reason) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Address.parse(text))
                .withMessageContaining(reason);
    }

    @Test
    void errorsForMissingPartsNameTheAcceptedForms() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Address.parse("localhost"))
                .withMessageContaining(Address.FORMS);
    }

    @Test
    void overlongUnixPathIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Address.parse("unix:/" + "a".repeat(107)))
                .withMessageContaining("107 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8080", "0.0.0.0:0", "[::1]:8080", "unix:/tmp/x.sock"})
    void toStringRoundTrips(String text) {
        Address a = Address.parse(text);
        assertThat(Address.parse(a.toString())).isEqualTo(a);
    }

    @Test
    void toStringWritesTheCanonicalForm() {
        assertThat(Address.parse("127.0.0.1:8080")).hasToString("127.0.0.1:8080");
        assertThat(Address.parse("*:80")).hasToString("0.0.0.0:80");
        assertThat(Address.parse("unix:/tmp/x.sock")).hasToString("unix:/tmp/x.sock");
        assertThat(Address.parse("[::1]:8080").toString()).startsWith("[").endsWith("]:8080");
    }
}
