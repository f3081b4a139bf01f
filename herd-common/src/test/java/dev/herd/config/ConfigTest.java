package dev.herd.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConfigTest {

    @Test
    void unsetSettingsHaveTheirDeclaredDefaults() {
        Config config = Config.builder().build();
        assertThat(config.get(Settings.TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.get(Settings.HANDLERS)).isEqualTo(2);
        assertThat(config.get(Settings.MAX_BODY)).isEqualTo(1024L * 1024);
        assertThat(config.get(Settings.BIND)).containsExactly(new Bind(Address.parse("127.0.0.1:8080"), Bind.Scheme.ANY));
        assertThat(config.text(Settings.TIMEOUT)).isEqualTo("30s");
        assertThat(config.isSet(Settings.TIMEOUT)).isFalse();
    }

    @Test
    void setValuesAreTypedAndKeepTheirText() {
        Config config = Config.builder()
                .set(Settings.TIMEOUT, "5s")
                .set(Settings.HANDLERS, "4")
                .build();
        assertThat(config.get(Settings.TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.get(Settings.HANDLERS)).isEqualTo(4);
        assertThat(config.text(Settings.TIMEOUT)).isEqualTo("5s");
        assertThat(config.isSet(Settings.TIMEOUT)).isTrue();
        assertThat(config.isSet(Settings.BACKLOG)).isFalse();
    }

    @Test
    void eachValueKnowsItsOriginAndALaterLayerReplacesAnEarlierOne() {
        Origin file = new Origin.File(Path.of("herd.toml"), 7);
        Origin env = new Origin.Environment("HERD_TIMEOUT");
        Config config = Config.builder()
                .set(Settings.TIMEOUT, "5s", file)
                .set(Settings.HANDLERS, "3", file)
                .set(Settings.TIMEOUT, "6s", env)
                .set(Settings.BACKLOG, "10")
                .build();

        assertThat(config.get(Settings.TIMEOUT)).isEqualTo(Duration.ofSeconds(6));
        assertThat(config.origin(Settings.TIMEOUT)).isEqualTo(env);
        assertThat(config.origin(Settings.HANDLERS)).isEqualTo(file);
        assertThat(config.origin(Settings.BACKLOG)).isEqualTo(Origin.COMMAND_LINE);
        assertThat(config.origin(Settings.BIND)).isEqualTo(Origin.DEFAULT);
        assertThat(config.isSet(Settings.HANDLERS)).isTrue();
        assertThat(config.isSet(Settings.BIND)).isFalse();
        assertThat(List.of(file, env, Origin.COMMAND_LINE, Origin.DEFAULT)).extracting(Origin::describe)
                .containsExactly("herd.toml:7", "env HERD_TIMEOUT", "command line", "default");
    }

    @Test
    void crossSettingErrorsSayWhereEachValueCameFrom() {
        Config config = Config.builder()
                .set(Settings.MIN_HANDLERS, "5", new Origin.File(Path.of("herd.toml"), 3))
                .set(Settings.MAX_HANDLERS, "2", new Origin.Environment("HERD_MAX_HANDLERS"))
                .build();
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.validate(config))
                .withMessage("--min-handlers (5, herd.toml:3) must not exceed --max-handlers (2, env HERD_MAX_HANDLERS)");
    }

    @Test
    void anExclusiveAcceptNeedsTheEpollTransport() {
        Config config = Config.builder()
                .set(Settings.ACCEPT, "exclusive", Origin.COMMAND_LINE)
                .set(Settings.TRANSPORT, "nio", new Origin.File(Path.of("herd.toml"), 4))
                .build();
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.validate(config))
                .withMessage("--accept exclusive (command line) needs --transport epoll (nio, herd.toml:4)");
        Settings.validate(Config.builder().set(Settings.ACCEPT, "exclusive").build());
    }

    @Test
    void reusePortNeedsAFixedPoolOnATcpAddressWithoutStandby() {
        Config adaptive = Config.builder().set(Settings.ACCEPT, "reuseport", Origin.COMMAND_LINE).build();
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.validate(adaptive))
                .withMessageStartingWith("--accept reuseport (command line) needs --scaling static (give --handlers N):"
                        + " it is adaptive");
        Config unix = Config.builder().set(Settings.ACCEPT, "reuseport").set(Settings.HANDLERS, "2")
                .set(Settings.BIND, "unix:/tmp/herd.sock", new Origin.File(Path.of("herd.toml"), 2)).build();
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.validate(unix))
                .withMessageContaining("needs a TCP address; --bind is unix:/tmp/herd.sock (herd.toml:2)");
        Config standby = Config.builder().set(Settings.ACCEPT, "reuseport").set(Settings.HANDLERS, "2")
                .set(Settings.STANDBY, "1", new Origin.Environment("HERD_STANDBY")).build();
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.validate(standby))
                .withMessageContaining("cannot keep --standby handlers (1, env HERD_STANDBY)");
        Settings.validate(Config.builder().set(Settings.ACCEPT, "reuseport").set(Settings.HANDLERS, "3").build());
        Settings.validate(Config.builder().set(Settings.ACCEPT, "reuseport").set(Settings.SCALING, "static")
                .set(Settings.TRANSPORT, "nio").build());
    }

    @Test
    void anInvalidValueNamesTheOptionAndTheAcceptedForms() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Config.builder().set(Settings.TIMEOUT, "5"))
                .withMessageContaining("--timeout")
                .withMessageContaining("'5'")
                .withMessageContaining("500ms, 30s");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Config.builder().set(Settings.MAX_BODY, "10"))
                .withMessageContaining("--max-body")
                .withMessageContaining("512k, 64m");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Config.builder().set(Settings.HANDLERS, "0"))
                .withMessageContaining("--handlers")
                .withMessageContaining("from 1 to 512");
    }

    @Test
    void handlerArgumentsRoundTrip() {
        Config given = Config.builder()
                .set(HandlerSettings.SLOT, "3")
                .set(HandlerSettings.GENERATION, "7")
                .set(HandlerSettings.SCOREBOARD, "/proc/42/fd/9")
                .set(HandlerSettings.SPAWNER_PID, "42")
                .set(HandlerSettings.HEARTBEAT, "250ms")
                .set(Settings.THREADS, "3")
                .set(Settings.MAX_BODY, "64k")
                .set(Settings.KEEPALIVE_TIMEOUT, "2m")
                .build();

        List<String> args = given.toArguments(HandlerSettings.ALL);
        Config read = Config.fromArguments(HandlerSettings.ALL, args);

        assertThat(args).hasSize(HandlerSettings.ALL.size())
                .contains("slot=3", "heartbeat=250ms", "max-body=64k", "graceful-timeout=30s");
        for (Setting<?> s : HandlerSettings.ALL) {
            assertThat(read.get(s)).as(s.name()).isEqualTo(given.get(s));
            assertThat(read.text(s)).as(s.name()).isEqualTo(given.text(s));
        }
        assertThat(read.get(HandlerSettings.SLOT)).isEqualTo(3);
        assertThat(read.get(HandlerSettings.HEARTBEAT)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void argumentValuesMayContainEqualsSigns() {
        Config read = Config.fromArguments(HandlerSettings.ALL, List.of("scoreboard=/tmp/a=b"));
        assertThat(read.get(HandlerSettings.SCOREBOARD)).isEqualTo("/tmp/a=b");
    }

    @Test
    void unknownArgumentsAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Config.fromArguments(HandlerSettings.ALL, List.of("frobnicate=1")))
                .withMessageContaining("unknown argument 'frobnicate=1'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Config.fromArguments(HandlerSettings.ALL, List.of("slot")))
                .withMessageContaining("unknown argument");
        // A serve-only setting is not among a handler's arguments.
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Config.fromArguments(HandlerSettings.ALL, List.of("handlers=2")))
                .withMessageContaining("unknown argument");
    }

    @Test
    void invalidArgumentValuesNameTheSetting() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Config.fromArguments(HandlerSettings.ALL, List.of("heartbeat=1")))
                .withMessageContaining("--heartbeat");
    }
}
