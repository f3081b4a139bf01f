package dev.herd.handler.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The HTML page of a directory without an index file ({@code --static-listing on}), in the
 * spirit of nginx's autoindex: directories first, then files, each sorted by name, with size
 * and modification time.
 *
 * <p>Only what can be served is listed: no symbolic link that leads out of the tree, no
 * device, FIFO or socket. Every name is percent-encoded in its link (so that {@code a:b} or
 * {@code #x} stays a relative path) and HTML-escaped in its text (so that a file named
 * {@code <script>} is shown, never run).
 */
final class DirectoryListing {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    /** One listed name; {@code size} is -1 for a directory. */
    record Entry(String name, boolean directory, long size, Instant modified) {
        static final Comparator<Entry> ORDER =
                Comparator.comparing((Entry e) -> !e.directory()).thenComparing(Entry::name);
    }

    private DirectoryListing() {
    }

    /** The servable entries of {@code dir}, a directory inside {@code root} (both real paths). */
    static List<Entry> read(Path dir, Path root) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (name.indexOf('\\') >= 0) {
                    continue; // no URL reaches it (TargetPath refuses backslashes)
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(child, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isSymbolicLink()) {
                        Path target = child.toRealPath();
                        if (!target.startsWith(root)) {
                            continue;
                        }
                        attributes = Files.readAttributes(target, BasicFileAttributes.class);
                    }
                    if (attributes.isDirectory() || attributes.isRegularFile()) {
                        entries.add(new Entry(name, attributes.isDirectory(),
                                attributes.isDirectory() ? -1 : attributes.size(),
                                attributes.lastModifiedTime().toInstant()));
                    }
                } catch (IOException e) {
                    // A dangling link or an entry removed meanwhile: nothing to serve, nothing to list.
                }
            }
        }
        entries.sort(Entry.ORDER);
        return entries;
    }

    /**
     * The page for the directory at URL path {@code urlPath} (decoded, ending with {@code /});
     * {@code top} leaves out the link to the parent, which would leave the served tree.
     */
    static byte[] render(String urlPath, boolean top, List<Entry> entries) {
        String title = "Index of " + escape(urlPath);
        StringBuilder html = new StringBuilder(512 + entries.size() * 160);
        html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title></head>\n<body>\n<h1>").append(title).append("</h1>\n<table>\n")
                .append("<tr><th>Name</th><th>Last modified (UTC)</th><th>Size</th></tr>\n");
        if (!top) {
            html.append("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
        }
        for (Entry entry : entries) {
            String slash = entry.directory() ? "/" : "";
            html.append("<tr><td><a href=\"").append(TargetPath.encode(entry.name())).append(slash).append("\">")
                    .append(escape(entry.name())).append(slash).append("</a></td><td>")
                    .append(WHEN.format(entry.modified())).append("</td><td>")
                    .append(entry.directory() ? "-" : Long.toString(entry.size())).append("</td></tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Text as HTML content or a quoted attribute value. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
