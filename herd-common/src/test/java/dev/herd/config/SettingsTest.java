package dev.herd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SettingsTest {

    @Test
    void everyServeSettingHasADefaultThatParsesAndADoc() {
        Set<String> names = new HashSet<>();
        for (Setting<?> s : Settings.SERVE) {
            assertThat(names.add(s.name())).as("duplicate " + s.name()).isTrue();
            assertThat(s.option()).isEqualTo("--" + s.name());
            assertThat(s.defaultValue()).as(s.name()).isNotNull();
            assertThat(s.doc()).as(s.name()).isNotBlank();
        }
    }

    @Test
    void handlerSettingsForwardOnlyServeSettings() {
        assertThat(Settings.SERVE).containsAll(HandlerSettings.FORWARDED);
        assertThat(HandlerSettings.ALL).containsAll(HandlerSettings.FORWARDED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "OFF", " off "})
    void adminOffMeansNoAdminAddress(String text) {
        assertThat(Settings.ADMIN.parse(text)).isEqualTo(Optional.empty());
    }

    @Test
    void adminDefaultsToLoopback8081() {
        Optional<Address.Inet> admin = Settings.ADMIN.defaultValue();
        assertThat(admin).contains((Address.Inet) Address.parse("127.0.0.1:8081"));
    }

    @Test
    void adminTakesAnInetAddress() {
        assertThat(Settings.ADMIN.parse("[::1]:9000")).contains((Address.Inet) Address.parse("[::1]:9000"));
    }

    @Test
    void adminRefusesUnixSockets() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Settings.ADMIN.parse("unix:/x"))
                .withMessageContaining("HOST:PORT")
                .withMessageContaining("off");
    }

    @Test
    void adminRefusesMalformedAddresses() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Config.builder().set(Settings.ADMIN, "nope"))
                .withMessageContaining("--admin")
                .withMessageContaining("or off");
    }

    @Test
    void aDefaultThatDoesNotParseFailsAtDeclaration() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Setting.duration("bad", "30", "A bad declaration."));
    }
}
