package dev.herd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The admin token: where it may come from, what is refused at start, and what a request must carry. */
class AdminTokenTest {
    private static final String TOKEN = "s3cr3t-t0ken-of-32-characters!!!";

    @TempDir
    Path dir;

    @Test
    void itComesFromAFileOrTheEnvironmentNeverTheCommandLine() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), TOKEN + "\nignored second line\n");

        assertThat(AdminToken.parse("file:" + file).read(Map.of())).isEqualTo(TOKEN);
        assertThat(AdminToken.parse("env:HERD_TEST_TOKEN").read(Map.of("HERD_TEST_TOKEN", " " + TOKEN + "\n")))
                .isEqualTo(TOKEN);
        assertThatIllegalArgumentException().isThrownBy(() -> AdminToken.parse(TOKEN))
                .withMessage("expected file:PATH or env:NAME (the token itself would show in ps)");
        assertThatIllegalArgumentException().isThrownBy(() -> AdminToken.parse("file:"));
    }

    @Test
    void aTokenThatCannotBeReadOrIsShortIsRefusedNamingItsSource() throws IOException {
        Path shortOne = Files.writeString(dir.resolve("short"), "abc\n");

        assertThatIllegalArgumentException().isThrownBy(() -> AdminToken.parse("file:" + dir.resolve("none")).read(Map.of()))
                .withMessageStartingWith("--admin-token file:" + dir.resolve("none") + ": cannot read");
        assertThatIllegalArgumentException().isThrownBy(() -> AdminToken.parse("env:NOPE").read(Map.of()))
                .withMessage("--admin-token env:NOPE: the environment has no NOPE");
        assertThatIllegalArgumentException().isThrownBy(() -> AdminToken.parse("file:" + shortOne).read(Map.of()))
                .withMessageContaining("shorter than 16 characters");
    }

    @Test
    void aRequestCarriesItAsBearerOrAsTheBasicPassword() {
        String basic = Base64.getEncoder().encodeToString(("admin:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        String wrongBasic = Base64.getEncoder().encodeToString("admin:guess".getBytes(StandardCharsets.UTF_8));

        assertThat(AdminToken.authorizes(Optional.of("Bearer " + TOKEN), TOKEN)).isTrue();
        assertThat(AdminToken.authorizes(Optional.of("bearer " + TOKEN), TOKEN)).isTrue();
        assertThat(AdminToken.authorizes(Optional.of("Basic " + basic), TOKEN)).isTrue();
        assertThat(AdminToken.authorizes(Optional.empty(), TOKEN)).isFalse();
        assertThat(AdminToken.authorizes(Optional.of("Bearer " + TOKEN + "x"), TOKEN)).isFalse();
        assertThat(AdminToken.authorizes(Optional.of("Basic " + wrongBasic), TOKEN)).isFalse();
        assertThat(AdminToken.authorizes(Optional.of("Basic not-base64!"), TOKEN)).isFalse();
        assertThat(AdminToken.authorizes(Optional.of(TOKEN), TOKEN)).isFalse();
    }

    @Test
    void anAdminAddressBeyondLoopbackNeedsAToken() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), TOKEN);
        Config open = Config.builder().set(Settings.ADMIN, "0.0.0.0:8081").build();
        Config guarded = Config.builder().set(Settings.ADMIN, "0.0.0.0:8081")
                .set(Settings.ADMIN_TOKEN, "file:" + file).build();
        Config loopback = Config.builder().set(Settings.ADMIN, "127.0.0.1:8081").build();

        assertThatIllegalArgumentException().isThrownBy(() -> Settings.validate(open))
                .withMessageStartingWith("--admin 0.0.0.0:8081 (")
                .withMessageContaining("is not a loopback address: give --admin-token file:PATH or env:NAME too");
        Settings.validate(guarded);
        Settings.validate(loopback);
    }
}
