package dev.herd.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every "rule N" the sources cite is a numbered rule of CONTRIBUTING.md's "Code rules". */
class RuleCitationsTest {
    /** Tests run in herd-cli/; the sources are the repository's. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern CITATION = Pattern.compile("(?i)\\b(?:STYLE\\s+)?rules?\\s+(\\d+)");
    private static final Pattern RULE = Pattern.compile("^(\\d+)\\. ", Pattern.MULTILINE);

    @Test
    void everyCitedRuleIsInContributing() {
        assertThat(uncited(ROOT)).isEmpty();
        assertThat(rules(ROOT)).as("the rules the sources cite today").contains(1, 3, 11);
    }

    @Test
    void aRuleThatIsNotThereOrAnotherFilesRuleIsReported(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("CONTRIBUTING.md"), "# x\n\n## Code rules\n\n1. **One.** a\n2. **Two.** b\n\n## Next\n\n3. not a rule\n");
        Path source = Files.createDirectories(root.resolve("m/src/main/java/p")).resolve("A.java");
        Files.writeString(source, "/** (rule 2) and (STYLE rule 1), but rule 3 and rule 7. */\nclass A {}\n");

        assertThat(uncited(root)).containsExactly("m/src/main/java/p/A.java:1: STYLE rule 1 (cite CONTRIBUTING.md's rules as \"rule N\")",
                "m/src/main/java/p/A.java:1: rule 3", "m/src/main/java/p/A.java:1: rule 7");
    }

    /** Citations in the sources under {@code root} that name no rule of its CONTRIBUTING.md. */
    private static List<String> uncited(Path root) {
        Set<Integer> rules = rules(root);
        List<String> broken = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(RuleCitationsTest::isSource).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = CITATION.matcher(lines.get(i));
                    while (m.find()) {
                        String where = root.relativize(file) + ":" + (i + 1) + ": " + m.group();
                        if (m.group().regionMatches(true, 0, "STYLE", 0, 5)) {
                            broken.add(where + " (cite CONTRIBUTING.md's rules as \"rule N\")");
                        } else if (!rules.contains(Integer.parseInt(m.group(1)))) {
                            broken.add(where);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return broken;
    }

    /** The numbers of the items of CONTRIBUTING.md's "## Code rules" section. */
    private static Set<Integer> rules(Path root) {
        try {
            String text = Files.readString(root.resolve("CONTRIBUTING.md"));
            int start = text.indexOf("\n## Code rules\n");
            assertThat(start).as("CONTRIBUTING.md has a '## Code rules' section").isNotNegative();
            int end = text.indexOf("\n## ", start + 1);
            Matcher m = RULE.matcher(text.substring(start, end < 0 ? text.length() : end));
            return m.results().map(r -> Integer.parseInt(r.group(1))).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isSource(Path file) {
        String path = file.toString();
        // This file's own examples of broken citations are not citations.
        return !file.getFileName().toString().equals(RuleCitationsTest.class.getSimpleName() + ".java")
                && (path.endsWith(".java") || path.endsWith(".sh") || path.endsWith(".js") || path.endsWith(".mjs"))
                && !path.contains("/target/") && !path.contains("/.git/") && !path.contains("/node_modules/");
    }
}
