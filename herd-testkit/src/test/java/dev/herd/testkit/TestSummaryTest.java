package dev.herd.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TestSummaryTest {
    @Test
    void countsBothPhasesAndNamesWhatFailedOrWasSkippedWithWhy(@TempDir Path root) throws IOException {
        report(root.resolve("herd-common/target/surefire-reports"), "dev.herd.os.PosixTest", """
                <testcase name="a" classname="dev.herd.os.PosixTest" time="0.1"/>
                <testcase name="b" classname="dev.herd.os.PosixTest" time="0.1">
                  <skipped message="org.opentest4j.TestAbortedException: Assumption failed: no IPv6 loopback on this machine"/>
                </testcase>
                """);
        report(root.resolve("examples/hello/target/surefire-reports"), "dev.herd.examples.HelloTest", """
                <testcase name="hello" classname="dev.herd.examples.HelloTest" time="0.1"/>
                """);
        report(root.resolve("herd-it/target/failsafe-reports"), "dev.herd.it.ReloadIT", """
                <testcase name="reloads" classname="dev.herd.it.ReloadIT" time="3"/>
                <testcase name="fails" classname="dev.herd.it.ReloadIT" time="3">
                  <failure message="expected 200&#10;but was 503" type="java.lang.AssertionError">stack</failure>
                </testcase>
                <testcase name="errs" classname="dev.herd.it.ReloadIT" time="3">
                  <error type="java.io.IOException">java.io.IOException
                    at somewhere</error>
                </testcase>
                """);
        // Not a report: outside a module's target directory.
        report(root.resolve("surefire-reports"), "dev.herd.Stray", "<testcase name=\"x\" classname=\"dev.herd.Stray\"/>");

        String summary = TestSummary.render(TestSummary.read(root));

        assertThat(summary).contains("unit tests:        2 passed, 0 failed, 1 skipped   (2 modules)")
                .contains("integration tests: 1 passed, 2 failed, 0 skipped   (1 module)")
                .contains("dev.herd.it.ReloadIT.fails (herd-it): expected 200\n")
                .contains("dev.herd.it.ReloadIT.errs (herd-it): java.io.IOException\n")
                .contains("dev.herd.os.PosixTest.b (herd-common): no IPv6 loopback on this machine\n")
                .doesNotContain("Stray")
                .endsWith("\ntotal: 3 passed, 2 failed, 1 skipped\n");
    }

    @Test
    void noReportsAtAllCountNothing(@TempDir Path root) {
        assertThat(TestSummary.render(TestSummary.read(root))).contains("integration tests: none ran\n")
                .endsWith("total: 0 passed, 0 failed, 0 skipped\n");
    }

    private static void report(Path directory, String suite, String cases) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("TEST-" + suite + ".xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="%s" tests="0">
                %s</testsuite>
                """.formatted(suite, cases));
    }
}
