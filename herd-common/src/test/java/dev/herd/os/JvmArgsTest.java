package dev.herd.os;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JvmArgsTest {
    @Test
    void readsOptionsAsTheJavaLauncherReadsAnArgumentFile() {
        assertThat(JvmArgs.parse("""
                # a comment line
                -Xmx64m   # what follows # is a comment
                  -XX:+UseSerialGC -Xss512k

                --enable-native-access=ALL-UNNAMED
                """)).containsExactly("-Xmx64m", "-XX:+UseSerialGC", "-Xss512k", "--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void everyJvmMayCallTheOsAndTheCommandLinesJvmAddsItsOwn() {
        assertThat(JvmArgs.EVERY).contains("--enable-native-access=ALL-UNNAMED");
        assertThat(JvmArgs.COMMAND).startsWith(JvmArgs.EVERY.toArray(String[]::new))
                .contains("-XX:+UseSerialGC").hasSizeGreaterThan(JvmArgs.EVERY.size());
    }

    @Test
    void aHandlersDefaultsAreTheirOwnAndAreTheDefaultOfHandlerJvmOpts() {
        assertThat(JvmArgs.HANDLER).allMatch(option -> option.startsWith("-"))
                .contains("-XX:TrimNativeHeapInterval=1000", "-XX:ArchiveRelocationMode=0")
                .doesNotContainAnyElementsOf(JvmArgs.EVERY);
        assertThat(dev.herd.config.Settings.HANDLER_JVM_OPTS.defaultText()).isEqualTo(String.join(" ", JvmArgs.HANDLER));
    }
}
