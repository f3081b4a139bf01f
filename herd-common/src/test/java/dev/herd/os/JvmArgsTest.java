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
}
