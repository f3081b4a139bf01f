package dev.herd.handler.files;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;

import static java.net.StandardProtocolFamily.UNIX;

/**
 * The directory tree the tests serve: {@code www/} (the root) beside {@code outside/} and
 * {@code www2/}, which hold what no request may ever read. Every regular file of the root is
 * modified at {@link #MODIFIED}, so that validators are known in advance.
 */
final class WebTree {
    /** In every file outside the root, and in none inside it. */
    static final String SECRET = "SECRET";
    static final Instant MODIFIED = Instant.parse("2024-01-05T10:00:00Z");
    static final String DATE = "Fri, 05 Jan 2024 10:00:00 GMT";
    static final String DATE_BEFORE = "Fri, 05 Jan 2024 09:59:59 GMT";
    static final String DATE_AFTER = "Fri, 05 Jan 2024 10:00:01 GMT";
    /** 100 bytes: "0123456789" ten times. */
    static final String DIGITS = "0123456789".repeat(10);
    static final String DIGITS_ETAG = etag(100);
    static final String HELLO = "Hello, files!\n";
    static final String INDEX = "<h1>home</h1>\n";

    /** Extensions whose files are created (with a line of text) for the media-type table. */
    static final String[] TYPED_FILES = {"page.htm", "style.css", "app.js", "mod.mjs", "data.json", "app.js.map",
        "notes.md", "table.csv", "feed.xml", "logo.svg", "img.png", "photo.jpg", "pic.JPEG", "anim.gif", "x.webp",
        "y.avif", "favicon.ico", "mod.wasm", "doc.pdf", "f.woff", "f.woff2", "f.ttf", "f.otf", "v.mp4", "v.webm",
        "a.mp3", "a.ogg", "a.wav", "z.zip", "z.tar.gz", "z.tar", "README", "data.unknownext", ".hidden"};

    /** Whether {@link #create} could make a FIFO ({@code mkfifo} may be missing). */
    static boolean fifo;

    private WebTree() {
    }

    /** The entity tag of a root file of {@code size} bytes (nanoseconds and size in hex, as nginx). */
    static String etag(long size) {
        return "\"" + Long.toHexString(MODIFIED.getEpochSecond() * 1_000_000_000L) + "-" + Long.toHexString(size) + "\"";
    }

    /** Builds the tree under {@code tmp} and returns the root, {@code tmp/www}. */
    static Path create(Path tmp) throws IOException, InterruptedException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "TOP " + SECRET + " outside the root\n");
        Files.writeString(outside.resolve("index.html"), SECRET + " index\n");
        Path sibling = Files.createDirectories(tmp.resolve("www2"));
        Files.writeString(sibling.resolve("secret.txt"), SECRET + " in a sibling whose name starts like the root\n");

        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("hello.txt"), HELLO);
        Files.writeString(www.resolve("index.html"), INDEX);
        Files.writeString(www.resolve("digits.txt"), DIGITS);
        Files.writeString(www.resolve("empty.txt"), "");
        Files.writeString(www.resolve("%41.txt"), "a literal percent in a name\n");
        Files.writeString(www.resolve("a b.txt"), "a space in a name\n");
        Files.writeString(www.resolve("é.txt"), "an accent in a name\n");
        byte[] binary = new byte[4096];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i % 251);
        }
        Files.write(www.resolve("big.bin"), binary);
        for (String name : TYPED_FILES) {
            Files.writeString(www.resolve(name), "a " + name + " file\n");
        }
        Path docs = Files.createDirectories(www.resolve("docs"));
        Files.writeString(docs.resolve("guide.md"), "# Guide\n");
        Files.writeString(docs.resolve("<b>&x\".txt"), "a name to escape\n");
        Files.createDirectories(docs.resolve("sub"));
        Files.createSymbolicLink(docs.resolve("link-out"), Path.of("../../outside/secret.txt"));
        Files.writeString(Files.createDirectories(www.resolve("site")).resolve("index.html"), "site home\n");
        Files.writeString(Files.createDirectories(www.resolve("nested/deep")).resolve("file.txt"), "deep\n");
        Files.createDirectories(www.resolve("with space"));

        Files.createSymbolicLink(www.resolve("link-in.txt"), Path.of("hello.txt"));
        Files.createSymbolicLink(www.resolve("link-dir"), Path.of("nested"));
        Files.createSymbolicLink(www.resolve("link-out.txt"), Path.of("../outside/secret.txt"));
        Files.createSymbolicLink(www.resolve("link-out-dir"), Path.of("../outside"));
        Files.createSymbolicLink(www.resolve("link-abs"), outside.resolve("secret.txt").toAbsolutePath());
        Files.createSymbolicLink(www.resolve("link-sibling"), Path.of("../www2/secret.txt"));
        Files.createSymbolicLink(www.resolve("link-null"), Path.of("/dev/null"));
        Files.createSymbolicLink(www.resolve("link-loop"), Path.of("link-loop"));
        Files.createSymbolicLink(www.resolve("link-dangling"), Path.of("nothing-here"));

        try (ServerSocketChannel socket = ServerSocketChannel.open(UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(www.resolve("sock")));
        }
        try {
            fifo = new ProcessBuilder("mkfifo", www.resolve("fifo").toString()).start().waitFor() == 0;
        } catch (IOException e) {
            fifo = false;
        }

        try (Stream<Path> all = Files.walk(www)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, FileTime.from(MODIFIED));
            }
        }
        return www;
    }
}
