package dev.herd.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link of the documentation resolves: the file or directory exists, and a {@code #fragment}
 * names a heading (by GitHub's slug rules) or an explicit {@code <a id>}/{@code <a name>} anchor of the target.
 * Absolute URLs, and links inside fenced code blocks or inline code, are not checked.
 */
class DocsLinksTest {
    /** Tests run in herd-cli/; the documentation is the repository's. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /** {@code [text](target)} or {@code ![alt](target "title")}: the target, maybe in angle brackets. */
    private static final Pattern INLINE = Pattern.compile("\\]\\(\\s*(<[^>\\n]*>|[^)\\s]+)(?:\\s+(?:\"[^\"]*\"|'[^']*'))?\\s*\\)");
    /** A reference definition: {@code [label]: target}. */
    private static final Pattern DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*(<[^>]*>|\\S+)");
    /** {@code <a href="...">} and {@code <img src="...">} in HTML. */
    private static final Pattern HTML_LINK = Pattern.compile("<(?:a|img)\\s[^>]*?(?:href|src)\\s*=\\s*\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    /** {@code <a id="...">} or {@code <a name="...">}. */
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s[^>]*?(?:id|name)\\s*=\\s*\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern SETEXT_UNDERLINE = Pattern.compile("^ {0,3}(?:=+|-+)[ \\t]*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    /** A URI scheme (http:, https:, mailto:, file:, ...): not a link between repository files. */
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    /** GitHub's anchors of a line or a range of lines in a file that is shown as code. */
    private static final Pattern LINE_ANCHOR = Pattern.compile("L\\d+(-L\\d+)?");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    /** What GitHub drops from a heading's text to make its anchor. */
    private static final Pattern NOT_IN_SLUG = Pattern.compile("[^\\p{L}\\p{M}\\p{Nd}\\p{Pc} -]");

    @Test
    void everyRelativeLinkOfTheDocumentationResolves() {
        List<Path> pages = pages(ROOT);
        assertThat(pages).as("the documentation under " + ROOT).contains(ROOT.resolve("README.md"));

        assertThat(String.join("\n", brokenLinks(ROOT, pages))).as("broken links").isEmpty();
    }

    @Test
    void aMissingFileAndAMissingAnchorAreReported(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/guide.md"), """
                # Guide

                ## Running it

                ## Running it

                <a id="custom-anchor"></a>
                """);
        Files.writeString(root.resolve("README.md"), """
                # Project

                See [the guide](docs/guide.md), [running](docs/guide.md#running-it),
                [again](docs/guide.md#running-it-1), [custom](docs/guide.md#custom-anchor) and [here](#project).
                A [missing page](docs/missing.md) and a [missing anchor](docs/guide.md#stopping-it).
                [Elsewhere](https://example.com/missing.md), `[code](nothing.md)`, ``[code](x.md#`y`)``.

                ```
                [in a fence](nowhere.md)
                ```
                """);

        List<String> broken = brokenLinks(root, pages(root));

        assertThat(broken).containsExactly(
                "README.md:5: docs/missing.md -> docs/missing.md does not exist",
                "README.md:5: docs/guide.md#stopping-it -> docs/guide.md has no anchor #stopping-it");
    }

    @Test
    void anchorsFollowGitHubsSlugs() {
        assertThat(anchors("""
                # Options of `herd serve`
                ## What `herd config` shows
                ## Hot paths (JMH)
                ## herd / peer
                ## Applications, static files and raw TCP
                ## [Linked](x.md) *heading*
                ## snake_case and déjà vu
                Setext heading
                --------------
                ## Hot paths (JMH)
                """)).contains("options-of-herd-serve", "what-herd-config-shows", "hot-paths-jmh", "herd--peer",
                "applications-static-files-and-raw-tcp", "linked-heading", "snake_case-and-déjà-vu", "setext-heading",
                "hot-paths-jmh-1");
    }

    /** README.md, CONTRIBUTING.md, CHANGELOG.md, every Markdown file under docs/, and the examples' READMEs that exist. */
    static List<Path> pages(Path root) {
        List<Path> pages = new ArrayList<>();
        for (String name : List.of("README.md", "CONTRIBUTING.md", "CHANGELOG.md")) {
            if (Files.isRegularFile(root.resolve(name))) {
                pages.add(root.resolve(name));
            }
        }
        pages.addAll(markdownUnder(root.resolve("docs"), Integer.MAX_VALUE));
        if (Files.isDirectory(root.resolve("examples"))) {
            try (Stream<Path> examples = Files.list(root.resolve("examples"))) {
                examples.map(dir -> dir.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(pages::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pages;
    }

    private static List<Path> markdownUnder(Path dir, int depth) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir, depth)) {
            return files.filter(f -> f.toString().endsWith(".md") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line per link of {@code pages} that does not resolve: {@code file:line: link -> why}. */
    static List<String> brokenLinks(Path root, List<Path> pages) {
        Map<Path, Set<String>> anchorsByFile = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            List<String> lines = read(page);
            List<String> prose = prose(lines);
            for (int i = 0; i < prose.size(); i++) {
                for (String link : links(prose.get(i))) {
                    String why = problem(root, page, link, anchorsByFile);
                    if (why != null) {
                        broken.add(relative(root, page) + ":" + (i + 1) + ": " + link + " -> " + why);
                    }
                }
            }
        }
        return broken;
    }

    /** Why {@code link} in {@code page} does not resolve, or null when it does (or is not checked). */
    private static String problem(Path root, Path page, String link, Map<Path, Set<String>> anchorsByFile) {
        if (link.isEmpty() || SCHEME.matcher(link).find() || link.startsWith("//")) {
            return null;
        }
        int hash = link.indexOf('#');
        String path = hash < 0 ? link : link.substring(0, hash);
        String fragment = hash < 0 ? null : decode(link.substring(hash + 1));
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        Path target = path.isEmpty() ? page : page.getParent().resolve(decode(path)).normalize();
        if (!target.startsWith(root)) {
            return "leaves the repository";
        }
        if (!Files.exists(target)) {
            return relative(root, target) + " does not exist";
        }
        if (fragment == null || fragment.isEmpty()) {
            return null;
        }
        if (!target.toString().endsWith(".md") || Files.isDirectory(target)) {
            return LINE_ANCHOR.matcher(fragment).matches() ? null
                    : "#" + fragment + ": anchors are only known in Markdown files";
        }
        Set<String> anchors = anchorsByFile.computeIfAbsent(target, t -> anchors(String.join("\n", read(t))));
        return anchors.contains(fragment) ? null : relative(root, target) + " has no anchor #" + fragment;
    }

    /** The anchors of a Markdown text: its headings' slugs (repeats numbered -1, -2, ...) and its HTML anchors. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> lines = markdown.lines().toList();
        List<String> prose = prose(lines);
        boolean[] fenced = fenced(lines);
        for (int i = 0; i < lines.size(); i++) {
            if (fenced[i]) {
                continue;
            }
            String heading = null;
            Matcher atx = ATX_HEADING.matcher(lines.get(i));
            if (atx.matches()) {
                heading = atx.group(2) == null ? "" : atx.group(2);
            } else if (i + 1 < lines.size() && SETEXT_UNDERLINE.matcher(lines.get(i + 1)).matches()
                    && !fenced[i + 1] && isParagraphLine(lines.get(i))
                    && (i == 0 || lines.get(i - 1).isBlank() || ATX_HEADING.matcher(lines.get(i - 1)).matches())) {
                heading = lines.get(i).strip();
            }
            if (heading != null) {
                String slug = slug(heading);
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
            Matcher html = HTML_ANCHOR.matcher(prose.get(i));
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        return anchors;
    }

    private static boolean isParagraphLine(String line) {
        String s = line.strip();
        return !s.isEmpty() && !s.startsWith("|") && !s.startsWith("#") && !s.startsWith(">")
                && !s.matches("([-*+]|\\d+[.)])\\s.*") && !SETEXT_UNDERLINE.matcher(line).matches();
    }

    /** GitHub's anchor of a heading: its text as rendered, in lower case, without punctuation, spaces as hyphens. */
    static String slug(String heading) {
        StringBuilder text = new StringBuilder();
        Matcher code = CODE_SPAN.matcher(heading);
        int from = 0;
        while (code.find()) {
            text.append(rendered(heading.substring(from, code.start()))).append(code.group(2).strip());
            from = code.end();
        }
        text.append(rendered(heading.substring(from)));
        return NOT_IN_SLUG.matcher(text.toString().strip().toLowerCase(Locale.ROOT)).replaceAll("").replace(' ', '-');
    }

    /** Heading text outside code spans as it shows: a link (or an image) as its text, no HTML tags, no emphasis. */
    private static String rendered(String markdown) {
        return markdown.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replaceAll("(?<![\\p{L}\\p{N}])_+|_+(?![\\p{L}\\p{N}])", "");
    }

    /** The lines with fenced blocks blanked and inline code spans replaced by spaces, so that neither yields links. */
    private static List<String> prose(List<String> lines) {
        boolean[] fenced = fenced(lines);
        List<String> prose = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            prose.add(fenced[i] ? "" : withoutCodeSpans(lines.get(i)));
        }
        return prose;
    }

    /** Which lines belong to a fenced code block, its fences included. */
    private static boolean[] fenced(List<String> lines) {
        boolean[] fenced = new boolean[lines.size()];
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher open = FENCE.matcher(line);
            if (fence == null && open.find()) {
                fence = open.group(1);
                fenced[i] = true;
            } else if (fence != null) {
                String s = line.strip();
                char c = fence.charAt(0);
                if (s.length() >= fence.length() && s.chars().allMatch(ch -> ch == c)) {
                    fence = null;
                }
                fenced[i] = true;
            }
        }
        return fenced;
    }

    /** A code span opens with a run of backticks and closes with a run of the same length. */
    private static String withoutCodeSpans(String line) {
        StringBuilder out = new StringBuilder(line);
        int i = 0;
        while (i < line.length()) {
            if (line.charAt(i) != '`') {
                i++;
                continue;
            }
            int run = runOfBackticks(line, i);
            int close = i + run;
            while (close < line.length()) {
                if (line.charAt(close) == '`') {
                    int other = runOfBackticks(line, close);
                    if (other == run) {
                        break;
                    }
                    close += other;
                } else {
                    close++;
                }
            }
            if (close >= line.length()) {
                i += run; // no closing run: the backticks are literal
                continue;
            }
            for (int k = i; k < close + run; k++) {
                out.setCharAt(k, ' ');
            }
            i = close + run;
        }
        return out.toString();
    }

    private static int runOfBackticks(String line, int from) {
        int end = from;
        while (end < line.length() && line.charAt(end) == '`') {
            end++;
        }
        return end - from;
    }

    /** The link targets of one line of prose. */
    private static List<String> links(String line) {
        List<String> found = new ArrayList<>();
        for (Pattern p : List.of(INLINE, DEFINITION, HTML_LINK)) {
            Matcher m = p.matcher(line);
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("<") && target.endsWith(">")) {
                    target = target.substring(1, target.length() - 1);
                }
                found.add(target);
            }
        }
        return found;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString();
    }
}
