package dev.herd.it;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolsTest {
    private static final List<String> MISSING = List.of("herd-no-such-program");

    @Test
    void aMissingToolFailsTheTestAndSaysHowToGetIt() {
        assertThatThrownBy(() -> Tools.require("ghost", "ghost-tools", MISSING, ""))
                .isInstanceOf(AssertionError.class)
                .hasMessage("herd-no-such-program (Debian: ghost-tools) not found: './herd test-tools' installs it "
                        + "(as root), or './herd test --without ghost' leaves out the tests that need it");
    }

    @Test
    void aToolTheRunLeftOutSkipsTheTestWhetherOrNotItIsThere() {
        assertThatThrownBy(() -> Tools.require("ghost", "ghost-tools", MISSING, "chromium,ghost"))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("left out with --without ghost");
        assertThatThrownBy(() -> Tools.require("sh", "dash", List.of("sh"), "sh"))
                .isInstanceOf(TestAbortedException.class);
    }

    @Test
    void aToolThatIsThereLetsTheTestRun() {
        assertThatCode(() -> Tools.require("sh", "dash", List.of("sh"), "ghost")).doesNotThrowAnyException();
    }
}
