package dev.herd.spawner;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class HandlerHandleTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0   | exited with status 0",
            "1   | exited with status 1",
            "3   | exited with status 3",
            "128 | exited with status 128",
            "131 | was killed by SIGQUIT",
            "137 | was killed by SIGKILL",
            "143 | was killed by SIGTERM",
            "134 | was killed by signal 6",
            "192 | was killed by signal 64",
            "193 | exited with status 193",
    })
    void describesHowAHandlerEnded(int status, String expected) {
        assertThat(HandlerHandle.describeExit(status)).isEqualTo(expected);
    }
}
