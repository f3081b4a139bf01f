package dev.herd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    void onlyTheAddressesTheSocketsTheScoreboardLayoutTheCredentialsAndTheFileItselfNeedARestart() {
        assertThat(Settings.SERVE.stream().filter(s -> !s.reloadable()).map(Setting::name))
                .containsExactly("config", "bind", "backlog", "admin", "admin-token", "user", "group", "threads", "accept");
    }

    @Test
    void serveSettingsAreListedSectionBySectionInTheSectionsOrder() {
        List<Setting.Section> seen = new ArrayList<>();
        for (Setting<?> s : Settings.SERVE) {
            assertThat(s.section()).as(s.name()).isNotEqualTo(Setting.Section.INTERNAL);
            if (seen.isEmpty() || seen.getLast() != s.section()) {
                assertThat(seen).as(s.name() + " starts " + s.section() + " again").doesNotContain(s.section());
                seen.add(s.section());
            }
        }
        assertThat(seen).isSorted();
        assertThat(HandlerSettings.ALL).filteredOn(s -> !Settings.SERVE.contains(s))
                .allSatisfy(s -> assertThat(s.section()).isEqualTo(Setting.Section.INTERNAL));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            max-handlers        | HERD_MAX_HANDLERS
            config              | HERD_CONFIG
            bind                | HERD_BIND
            """)
    void theEnvironmentVariableIsTheNameInUpperCaseWithUnderscores(String name, String variable) {
        assertThat(setting(name).environmentVariable()).isEqualTo(variable);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            max-handlers        | NUMBER
            max-requests        | NUMBER
            keepalive-requests  | NUMBER
            static-listing      | SWITCH
            classpath           | PATH_LIST
            handler-jvm-opts    | WORD_LIST
            timeout             | TEXT
            max-rss             | TEXT
            """)
    void theKindSaysWhichTypedFormsAValueHas(String name, Setting.Kind kind) {
        assertThat(setting(name).kind()).isEqualTo(kind);
    }

    @Test
    void aCountOrOffNamesBothFormsWhenRefused() {
        assertThat(Settings.MAX_REQUESTS.parse("off")).isZero();
        assertThat(Settings.MAX_REQUESTS.parse("7")).isEqualTo(7L);
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.KEEPALIVE_REQUESTS.parse("lots"))
                .withMessage("expected an integer from 1 to 2147483647, or off");
    }

    @Test
    void theReferenceShowsMachineDependentDefaultsAsARule() {
        assertThat(Settings.MAX_HANDLERS.shownDefault()).isEqualTo("2 × CPUs");
        assertThat(Settings.MAX_HANDLERS.defaultValue())
                .isEqualTo(Math.min(512, 2 * Runtime.getRuntime().availableProcessors()));
        assertThat(Settings.TIMEOUT.shownDefault()).isEqualTo(Settings.TIMEOUT.defaultText());
    }

    @Test
    void theCopyMethodsKeepEverythingElse() {
        Setting<Integer> plain = Setting.integer("n", "3", 1, 9, "A number.");
        Setting<Integer> copied = plain.in(Setting.Section.POOL).needsRestart().documentedDefault("three");
        assertThat(plain.section()).isEqualTo(Setting.Section.INTERNAL);
        assertThat(plain.reloadable()).isTrue();
        assertThat(copied.section()).isEqualTo(Setting.Section.POOL);
        assertThat(copied.reloadable()).isFalse();
        assertThat(copied.shownDefault()).isEqualTo("three");
        assertThat(copied).extracting(Setting::name, Setting::label, Setting::defaultText, Setting::doc, Setting::kind)
                .containsExactly("n", "N", "3", "A number.", Setting.Kind.NUMBER);
        assertThat(copied.parse("9")).isEqualTo(9);
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

    private static Setting<?> setting(String name) {
        return Settings.SERVE.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aDefaultThatDoesNotParseFailsAtDeclaration() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Setting.duration("bad", "30", "A bad declaration."));
    }
}
