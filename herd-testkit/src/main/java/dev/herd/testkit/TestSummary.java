package dev.herd.testkit;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The summary {@code ./herd test} prints at its end: the unit tests (Surefire's reports in every
 * module) and the integration tests (Failsafe's, in herd-it), each counted, with every failed and
 * every skipped test and its reason, so that what a green run covered is never in doubt. Its last
 * line is {@code total: N passed, N failed, N skipped}.
 *
 * <p>JDK only: the launcher runs this file as a program ({@code java TestSummary.java ROOT}), also
 * after a build that failed before this module compiled.
 */
public final class TestSummary {
    /** One phase's reports: Surefire's or Failsafe's. */
    public enum Phase {
        UNIT("unit tests", "surefire-reports"),
        INTEGRATION("integration tests", "failsafe-reports");

        final String title;
        final String directory;

        Phase(String title, String directory) {
            this.title = title;
            this.directory = directory;
        }
    }

    public enum Outcome { PASSED, FAILED, SKIPPED }

    /** One test case as its report has it; {@code reason} is empty for a test that passed. */
    public record Case(Phase phase, String module, String name, Outcome outcome, String reason) {
    }

    private TestSummary() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java TestSummary.java REPOSITORY_ROOT");
            System.exit(2);
        }
        System.out.print(render(read(Path.of(args[0]))));
    }

    /** Every test case in the Surefire and Failsafe reports below {@code root}'s modules. */
    public static List<Case> read(Path root) {
        List<Case> cases = new ArrayList<>();
        // ROOT/MODULE/target/REPORTS/TEST-*.xml, or one level deeper (examples/NAME).
        try (Stream<Path> files = Files.walk(root, 5)) {
            for (Path report : files.filter(TestSummary::isReport).sorted().toList()) {
                Path directory = report.getParent();
                Phase phase = directory.getFileName().toString().equals(Phase.UNIT.directory) ? Phase.UNIT
                        : Phase.INTEGRATION;
                String module = root.relativize(directory.getParent().getParent()).toString();
                cases.addAll(casesOf(report, phase, module));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    private static boolean isReport(Path file) {
        String name = file.getFileName().toString();
        Path directory = file.getParent();
        return name.startsWith("TEST-") && name.endsWith(".xml") && directory != null
                && Stream.of(Phase.values()).anyMatch(p -> directory.getFileName().toString().equals(p.directory))
                && directory.getParent() != null && directory.getParent().getFileName().toString().equals("target");
    }

    private static List<Case> casesOf(Path report, Phase phase, String module) {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            NodeList testcases = factory.newDocumentBuilder().parse(report.toFile()).getElementsByTagName("testcase");
            List<Case> cases = new ArrayList<>();
            for (int i = 0; i < testcases.getLength(); i++) {
                Element testcase = (Element) testcases.item(i);
                String name = testcase.getAttribute("classname") + "." + testcase.getAttribute("name");
                cases.add(new Case(phase, module, name, outcome(testcase), reason(testcase)));
            }
            return cases;
        } catch (ParserConfigurationException | SAXException e) {
            return List.of(new Case(phase, module, report.getFileName().toString(), Outcome.FAILED,
                    "unreadable report: " + e.getMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Outcome outcome(Element testcase) {
        if (child(testcase, "failure") != null || child(testcase, "error") != null) {
            return Outcome.FAILED;
        }
        return child(testcase, "skipped") != null ? Outcome.SKIPPED : Outcome.PASSED;
    }

    /** The first line of the failure's or the skip's message (or of its text, when it has no message). */
    private static String reason(Element testcase) {
        for (String tag : List.of("failure", "error", "skipped")) {
            Element element = child(testcase, tag);
            if (element != null) {
                String text = element.getAttribute("message").isBlank() ? element.getTextContent()
                        : element.getAttribute("message");
                // JUnit's own wording around an assumption adds nothing to the reason it was given.
                String line = text.strip().lines().findFirst().orElse("")
                        .replaceFirst("^org\\.opentest4j\\.TestAbortedException: ", "")
                        .replaceFirst("^Assumption failed: ", "");
                String type = element.getAttribute("type");
                return line.isEmpty() && !type.isEmpty() ? type : line;
            }
        }
        return "";
    }

    private static Element child(Element parent, String tag) {
        NodeList children = parent.getElementsByTagName(tag);
        return children.getLength() == 0 ? null : (Element) children.item(0);
    }

    /** The summary of {@code cases}, ending with the total line. */
    public static String render(List<Case> cases) {
        StringBuilder out = new StringBuilder("\nherd test: summary\n");
        for (Phase phase : Phase.values()) {
            List<Case> ofPhase = cases.stream().filter(c -> c.phase() == phase).toList();
            long modules = ofPhase.stream().map(Case::module).distinct().count();
            out.append(String.format("  %-18s %s%n", phase.title + ":", ofPhase.isEmpty() ? "none ran"
                    : counts(ofPhase) + "   (" + modules + (modules == 1 ? " module)" : " modules)")));
        }
        list(out, cases, Outcome.FAILED, "failed");
        list(out, cases, Outcome.SKIPPED, "skipped");
        return out.append("total: ").append(counts(cases)).append('\n').toString();
    }

    private static void list(StringBuilder out, List<Case> cases, Outcome outcome, String title) {
        List<Case> listed = cases.stream().filter(c -> c.outcome() == outcome).toList();
        if (!listed.isEmpty()) {
            out.append("  ").append(title).append(":\n");
            listed.forEach(c -> out.append("    ").append(c.name()).append(" (").append(c.module()).append("): ")
                    .append(c.reason()).append('\n'));
        }
    }

    private static String counts(List<Case> cases) {
        return count(cases, Outcome.PASSED) + " passed, " + count(cases, Outcome.FAILED) + " failed, "
                + count(cases, Outcome.SKIPPED) + " skipped";
    }

    private static long count(List<Case> cases, Outcome outcome) {
        return cases.stream().filter(c -> c.outcome() == outcome).count();
    }
}
