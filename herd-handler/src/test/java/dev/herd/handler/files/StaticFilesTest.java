package dev.herd.handler.files;

import dev.herd.time.MonotonicClock;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.herd.handler.files.WebTree.DATE;
import static dev.herd.handler.files.WebTree.DATE_AFTER;
import static dev.herd.handler.files.WebTree.DATE_BEFORE;
import static dev.herd.handler.files.WebTree.DIGITS;
import static dev.herd.handler.files.WebTree.DIGITS_ETAG;
import static dev.herd.handler.files.WebTree.HELLO;
import static dev.herd.handler.files.WebTree.INDEX;
import static dev.herd.handler.files.WebTree.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link StaticFiles} against the {@link WebTree}, one table per concern: media types, the
 * plain answers, conditional requests, ranges, directories, and every way of reaching out of
 * the root. Each row is one request and what must come back.
 */
class StaticFilesTest {
    /** A header a response must not have. */
    private static final String ABSENT = "<absent>";

    @TempDir
    static Path tmp;
    private static Path root;
    private static StaticFiles files;
    private static StaticFiles listing;
    private static StaticFiles noIndex;
    /** Every file sent from its descriptor, none from memory. */
    private static StaticFiles fromDescriptors;

    @BeforeAll
    static void createTree() throws Exception {
        root = WebTree.create(tmp);
        files = new StaticFiles(root, Optional.of("index.html"), false);
        listing = new StaticFiles(root, Optional.of("index.html"), true);
        noIndex = new StaticFiles(root, Optional.empty(), true);
        OpenFileCache.Limits defaults = OpenFileCache.Limits.DEFAULT;
        OpenFileCache.Limits noMemory = new OpenFileCache.Limits(defaults.valid(), defaults.inactive(),
                defaults.entries(), defaults.memory(), defaults.descriptors(), 0);
        fromDescriptors = new StaticFiles(root, Optional.of("index.html"), false, noMemory, MonotonicClock.SYSTEM,
                FileSystemCalls.JDK);
    }

    /**
     * One request and the answer expected.
     *
     * @param expect headers the response must have, with these values ({@link #ABSENT}: not at all)
     * @param body   the exact body (or file region), or null to leave it unchecked
     */
    record Case(String name, StaticFiles service, String method, String uri, Map<String, String> headers,
                int status, Map<String, String> expect, String body) {
        @Override
        public String toString() {
            return name;
        }

        RecordingCall run() throws Exception {
            RecordingCall call = new RecordingCall(method, uri, headers);
            service.serve(call);
            return call;
        }
    }

    private static Case row(String name, String method, String uri, Map<String, String> headers,
                            int status, Map<String, String> expect, String body) {
        return new Case(name, files, method, uri, headers, status, expect, body);
    }

    /** Name, value, name, value... in order. */
    private static Map<String, String> h(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /**
     * Every row twice: the file is opened and read on the first request, and the second is answered
     * from the cache. The small files of the tree are answered from memory.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource({"plain", "conditionals", "ranges", "directories"})
    void answers(Case c) throws Exception {
        check(c, c.run());
        check(c, c.run());
    }

    /** The rows of the files service again, with every file but an empty one sent from its descriptor. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fromDescriptor")
    void answersFromADescriptor(Case c) throws Exception {
        RecordingCall call = c.run();

        check(c, call);
        if ((call.status() == 200 || call.status() == 206) && call.sent().length > 0) {
            assertThat(call.fromFile()).as("sent from the file").isTrue();
        }
    }

    static Stream<Case> fromDescriptor() {
        return Stream.of(plain(), conditionals(), ranges(), directories()).flatMap(cases -> cases)
                .filter(c -> c.service() == files)
                .map(c -> new Case(c.name() + ", from the descriptor", fromDescriptors, c.method(), c.uri(),
                        c.headers(), c.status(), c.expect(), c.body()));
    }

    private static void check(Case c, RecordingCall call) {
        assertThat(call.status()).as("status").isEqualTo(c.status());
        c.expect().forEach((name, value) -> {
            if (value.equals(ABSENT)) {
                assertThat(call.header(name)).as(name).isNull();
            } else {
                assertThat(call.header(name)).as(name).isEqualTo(value);
            }
        });
        if (c.body() != null) {
            assertThat(call.text()).as("body").isEqualTo(c.body());
        }
    }

    static Stream<Case> plain() {
        return Stream.of(
                row("a text file", "GET", "/hello.txt", h(), 200,
                        h("content-type", "text/plain; charset=utf-8", "etag", WebTree.etag(HELLO.length()),
                                "last-modified", DATE, "accept-ranges", "bytes"), HELLO),
                row("HEAD sends the same head and hands over the whole file", "HEAD", "/digits.txt", h(), 200,
                        h("content-type", "text/plain; charset=utf-8", "etag", DIGITS_ETAG, "last-modified", DATE),
                        DIGITS),
                row("an empty file", "GET", "/empty.txt", h(), 200, h(), ""),
                row("a query is no part of the name", "GET", "/hello.txt?v=3", h(), 200, h(), HELLO),
                row("a percent-encoded name", "GET", "/a%20b.txt", h(), 200, h(), "a space in a name\n"),
                row("a UTF-8 name", "GET", "/%C3%A9.txt", h(), 200, h(), "an accent in a name\n"),
                row("decoded once: %2541 names the file '%41.txt'", "GET", "/%2541.txt", h(), 200, h(),
                        "a literal percent in a name\n"),
                row("absolute-form", "GET", "http://example.com/hello.txt", h(), 200, h(), HELLO),
                row("absolute-form without a path is the root", "GET", "http://example.com", h(), 200, h(), INDEX),
                row("merged slashes", "GET", "//nested///deep/file.txt", h(), 200, h(), "deep\n"),
                row("a dot segment", "GET", "/./nested/./deep/file.txt", h(), 200, h(), "deep\n"),
                row("a symlink to a file inside", "GET", "/link-in.txt", h(), 200,
                        h("content-type", "text/plain; charset=utf-8"), HELLO),
                row("a symlink to a directory inside", "GET", "/link-dir/deep/file.txt", h(), 200, h(), "deep\n"),
                row("a missing file", "GET", "/nope.txt", h(), 404, h("content-type", "text/plain; charset=utf-8"),
                        "Not Found\n"),
                row("a file used as a directory", "GET", "/hello.txt/x", h(), 404, h(), "Not Found\n"),
                row("a file asked for as a directory", "GET", "/hello.txt/", h(), 404, h(), "Not Found\n"),
                row("a dangling symlink", "GET", "/link-dangling", h(), 404, h(), "Not Found\n"),
                row("a loop of symlinks", "GET", "/link-loop", h(), 404, h(), "Not Found\n"),
                row("a socket is no file", "GET", "/sock", h(), 404, h(), "Not Found\n"),
                row("a very long name", "GET", "/" + "n".repeat(300), h(), 404, h(), "Not Found\n"),
                row("POST is 405", "POST", "/hello.txt", h(), 405, h("allow", "GET, HEAD"), "Method Not Allowed\n"),
                row("PUT is 405", "PUT", "/hello.txt", h(), 405, h("allow", "GET, HEAD"), null),
                row("DELETE is 405", "DELETE", "/hello.txt", h(), 405, h("allow", "GET, HEAD"), null),
                row("OPTIONS is 405", "OPTIONS", "/hello.txt", h(), 405, h("allow", "GET, HEAD"), null),
                row("405 comes before the path is looked at", "POST", "/nope", h(), 405, h(), null));
    }

    static Stream<Case> conditionals() {
        String d = "/digits.txt";
        Map<String, String> validators = h("etag", DIGITS_ETAG, "last-modified", DATE, "content-type", ABSENT);
        return Stream.of(
                row("If-None-Match with the tag is 304", "GET", d, h("If-None-Match", DIGITS_ETAG), 304,
                        validators, ""),
                row("If-None-Match compares weakly", "GET", d, h("If-None-Match", "W/" + DIGITS_ETAG), 304,
                        validators, ""),
                row("If-None-Match with a list", "GET", d, h("If-None-Match", "\"a,b\", " + DIGITS_ETAG), 304,
                        validators, ""),
                row("If-None-Match: *", "GET", d, h("If-None-Match", "*"), 304, validators, ""),
                row("If-None-Match with another tag is 200", "GET", d, h("If-None-Match", "\"other\""), 200,
                        h(), DIGITS),
                row("If-None-Match malformed is 200", "GET", d, h("If-None-Match", "no-quotes"), 200, h(), DIGITS),
                row("If-None-Match on HEAD is 304", "HEAD", d, h("If-None-Match", DIGITS_ETAG), 304, validators, ""),
                row("If-Modified-Since the modification is 304", "GET", d, h("If-Modified-Since", DATE), 304,
                        validators, ""),
                row("If-Modified-Since later is 304", "GET", d, h("If-Modified-Since", DATE_AFTER), 304,
                        validators, ""),
                row("If-Modified-Since earlier is 200", "GET", d, h("If-Modified-Since", DATE_BEFORE), 200,
                        h(), DIGITS),
                row("If-Modified-Since as RFC 850 date", "GET", d,
                        h("If-Modified-Since", "Friday, 05-Jan-24 10:00:00 GMT"), 304, validators, ""),
                row("If-Modified-Since as asctime date", "GET", d,
                        h("If-Modified-Since", "Fri Jan  5 10:00:00 2024"), 304, validators, ""),
                row("If-Modified-Since malformed is ignored", "GET", d, h("If-Modified-Since", "yesterday"), 200,
                        h(), DIGITS),
                row("If-Modified-Since is ignored beside If-None-Match", "GET", d,
                        h("If-None-Match", "\"other\"", "If-Modified-Since", DATE), 200, h(), DIGITS),
                row("If-Match with the tag is 200", "GET", d, h("If-Match", DIGITS_ETAG), 200, h(), DIGITS),
                row("If-Match: *", "GET", d, h("If-Match", "*"), 200, h(), DIGITS),
                row("If-Match with another tag is 412", "GET", d, h("If-Match", "\"other\""), 412, h(),
                        "Precondition Failed\n"),
                row("If-Match compares strongly", "GET", d, h("If-Match", "W/" + DIGITS_ETAG), 412, h(), null),
                row("If-Unmodified-Since earlier is 412", "GET", d, h("If-Unmodified-Since", DATE_BEFORE), 412,
                        h(), null),
                row("If-Unmodified-Since the modification is 200", "GET", d, h("If-Unmodified-Since", DATE), 200,
                        h(), DIGITS),
                row("If-Unmodified-Since malformed is ignored", "GET", d, h("If-Unmodified-Since", "soon"), 200,
                        h(), DIGITS),
                row("If-Unmodified-Since is ignored beside If-Match", "GET", d,
                        h("If-Match", DIGITS_ETAG, "If-Unmodified-Since", DATE_BEFORE), 200, h(), DIGITS),
                row("If-Match is decided before If-None-Match", "GET", d,
                        h("If-Match", "\"other\"", "If-None-Match", DIGITS_ETAG), 412, h(), null),
                row("preconditions before Range", "GET", d, h("If-None-Match", DIGITS_ETAG, "Range", "bytes=0-1"),
                        304, validators, ""));
    }

    static Stream<Case> ranges() {
        String d = "/digits.txt";
        return Stream.of(
                row("the first bytes", "GET", d, h("Range", "bytes=0-9"), 206,
                        h("content-range", "bytes 0-9/100", "content-type", "text/plain; charset=utf-8",
                                "etag", DIGITS_ETAG), "0123456789"),
                row("one byte", "GET", d, h("Range", "bytes=42-42"), 206, h("content-range", "bytes 42-42/100"), "2"),
                row("an open range", "GET", d, h("Range", "bytes=95-"), 206, h("content-range", "bytes 95-99/100"),
                        "56789"),
                row("a suffix", "GET", d, h("Range", "bytes=-3"), 206, h("content-range", "bytes 97-99/100"), "789"),
                row("a suffix longer than the file", "GET", d, h("Range", "bytes=-500"), 206,
                        h("content-range", "bytes 0-99/100"), DIGITS),
                row("the last byte past the end is cut", "GET", d, h("Range", "bytes=98-1000"), 206,
                        h("content-range", "bytes 98-99/100"), "89"),
                row("a number beyond a long", "GET", d, h("Range", "bytes=98-99999999999999999999999"), 206,
                        h("content-range", "bytes 98-99/100"), "89"),
                row("the unit is case-insensitive", "GET", d, h("Range", "Bytes=1-2"), 206,
                        h("content-range", "bytes 1-2/100"), "12"),
                row("ranges that touch are coalesced", "GET", d, h("Range", "bytes=0-4, 5-9"), 206,
                        h("content-range", "bytes 0-9/100"), "0123456789"),
                row("ranges that overlap are coalesced", "GET", d, h("Range", "bytes=5-9,0-6"), 206,
                        h("content-range", "bytes 0-9/100"), "0123456789"),
                row("disjoint ranges get the whole file", "GET", d, h("Range", "bytes=0-1,50-51"), 200,
                        h("content-range", ABSENT), DIGITS),
                row("an unsatisfiable range beside a good one is dropped", "GET", d, h("Range", "bytes=0-1,500-600"),
                        206, h("content-range", "bytes 0-1/100"), "01"),
                row("a range past the end is 416", "GET", d, h("Range", "bytes=100-"), 416,
                        h("content-range", "bytes */100"), "Range Not Satisfiable\n"),
                row("a zero suffix is 416", "GET", d, h("Range", "bytes=-0"), 416, h("content-range", "bytes */100"),
                        null),
                row("any range of an empty file is 416", "GET", "/empty.txt", h("Range", "bytes=0-"), 416,
                        h("content-range", "bytes */0"), null),
                row("last before first is ignored", "GET", d, h("Range", "bytes=5-2"), 200,
                        h("content-range", ABSENT), DIGITS),
                row("garbage is ignored", "GET", d, h("Range", "bytes=abc"), 200, h(), DIGITS),
                row("a missing '=' is ignored", "GET", d, h("Range", "bytes 0-9"), 200, h(), DIGITS),
                row("an empty set is ignored", "GET", d, h("Range", "bytes=,"), 200, h(), DIGITS),
                row("a negative first is ignored", "GET", d, h("Range", "bytes=--5"), 200, h(), DIGITS),
                row("another unit is ignored", "GET", d, h("Range", "items=0-9"), 200, h(), DIGITS),
                row("HEAD ignores Range", "HEAD", d, h("Range", "bytes=0-9"), 200, h("content-range", ABSENT), DIGITS),
                row("If-Range with the tag applies the range", "GET", d, h("Range", "bytes=0-1", "If-Range",
                        DIGITS_ETAG), 206, h("content-range", "bytes 0-1/100"), "01"),
                row("If-Range with another tag sends the whole", "GET", d, h("Range", "bytes=0-1", "If-Range",
                        "\"old\""), 200, h("content-range", ABSENT), DIGITS),
                row("If-Range with a weak tag sends the whole", "GET", d, h("Range", "bytes=0-1", "If-Range",
                        "W/" + DIGITS_ETAG), 200, h(), DIGITS),
                row("If-Range with the date applies the range", "GET", d, h("Range", "bytes=0-1", "If-Range",
                        DATE), 206, h("content-range", "bytes 0-1/100"), "01"),
                row("If-Range with another date sends the whole", "GET", d, h("Range", "bytes=0-1", "If-Range",
                        DATE_AFTER), 200, h(), DIGITS),
                row("If-Range malformed sends the whole", "GET", d, h("Range", "bytes=0-1", "If-Range", "later"),
                        200, h(), DIGITS));
    }

    static Stream<Case> directories() {
        return Stream.of(
                row("the root serves its index", "GET", "/", h(), 200,
                        h("content-type", "text/html; charset=utf-8", "etag", WebTree.etag(INDEX.length())), INDEX),
                row("a directory serves its index", "GET", "/site/", h(), 200, h(), "site home\n"),
                row("a directory without the slash is redirected", "GET", "/docs", h(), 301,
                        h("location", "/docs/"), null),
                row("the redirect keeps the query", "GET", "/nested/deep?a=1&b", h(), 301,
                        h("location", "/nested/deep/?a=1&b"), null),
                row("the redirect encodes names", "GET", "/with%20space", h(), 301,
                        h("location", "/with%20space/"), null),
                row("the redirect never starts with //", "GET", "//site", h(), 301, h("location", "/site/"), null),
                row("a directory through a symlink", "GET", "/link-dir", h(), 301, h("location", "/link-dir/"), null),
                row("no index and no listing is 403", "GET", "/docs/", h(), 403, h(), "Forbidden\n"),
                row("the index answers conditionals too", "GET", "/", h("If-None-Match",
                        WebTree.etag(INDEX.length())), 304, h(), ""),
                new Case("with listing, the index still wins", listing, "GET", "/site/", h(), 200, h(), "site home\n"),
                new Case("without an index, the root is 403", new StaticFiles(root, Optional.empty(), false), "GET",
                        "/", h(), 403, h(), null),
                new Case("a listing is HTML", listing, "GET", "/docs/", h(), 200,
                        h("content-type", "text/html; charset=utf-8"), null),
                new Case("a listing is GET or HEAD only", listing, "POST", "/docs/", h(), 405, h(), null));
    }

    @Test
    void aListFieldMayComeOnSeveralLines() throws Exception {
        RecordingCall call = RecordingCall.get("/digits.txt");
        call.head().headers().add("If-None-Match", "\"a\"").add("If-None-Match", DIGITS_ETAG);
        files.serve(call);

        assertThat(call.status()).isEqualTo(304);
    }

    @Test
    void aRepeatedRangeIsIgnored() throws Exception {
        RecordingCall call = RecordingCall.get("/digits.txt");
        call.head().headers().add("Range", "bytes=0-1").add("Range", "bytes=2-3");
        files.serve(call);

        assertThat(call.status()).isEqualTo(200);
        assertThat(call.text()).isEqualTo(DIGITS);
    }

    @Test
    void listingNamesAreSortedEscapedAndEncoded() throws Exception {
        RecordingCall call = new RecordingCall("GET", "/docs/", Map.of());
        listing.serve(call);

        String page = call.text();
        assertThat(page).contains("<title>Index of /docs/</title>", "<a href=\"../\">../</a>",
                "<a href=\"%3Cb%3E%26x%22.txt\">&lt;b&gt;&amp;x&quot;.txt</a>");
        assertThat(page).doesNotContain("<b>&x", "link-out");
        assertThat(page.indexOf("href=\"sub/\"")).as("directories first")
                .isLessThan(page.indexOf("href=\"%3Cb"))
                .isLessThan(page.indexOf("href=\"guide.md\""));
    }

    @Test
    void rootListingHasNoParentAndHidesWhatCannotBeServed() throws Exception {
        RecordingCall call = RecordingCall.get("/");
        noIndex.serve(call);

        String page = call.text();
        assertThat(page).contains("<title>Index of /</title>", "href=\"hello.txt\"", "href=\"link-dir/\"",
                "href=\"link-in.txt\"", "href=\"a%20b.txt\"", "href=\"%C3%A9.txt\"", "href=\"with%20space/\"");
        assertThat(page).doesNotContain("href=\"../\"", "link-out", "link-abs", "link-sibling", "link-null",
                "link-loop", "link-dangling", "sock", "fifo");
    }

    static Stream<Arguments> mediaTypes() {
        return Stream.of(
                Arguments.of("index.html", "text/html; charset=utf-8"),
                Arguments.of("page.htm", "text/html; charset=utf-8"),
                Arguments.of("style.css", "text/css; charset=utf-8"),
                Arguments.of("app.js", "text/javascript; charset=utf-8"),
                Arguments.of("mod.mjs", "text/javascript; charset=utf-8"),
                Arguments.of("data.json", "application/json; charset=utf-8"),
                Arguments.of("app.js.map", "application/json; charset=utf-8"),
                Arguments.of("notes.md", "text/markdown; charset=utf-8"),
                Arguments.of("hello.txt", "text/plain; charset=utf-8"),
                Arguments.of("table.csv", "text/csv; charset=utf-8"),
                Arguments.of("feed.xml", "application/xml; charset=utf-8"),
                Arguments.of("logo.svg", "image/svg+xml; charset=utf-8"),
                Arguments.of("img.png", "image/png"),
                Arguments.of("photo.jpg", "image/jpeg"),
                Arguments.of("pic.JPEG", "image/jpeg"),
                Arguments.of("anim.gif", "image/gif"),
                Arguments.of("x.webp", "image/webp"),
                Arguments.of("y.avif", "image/avif"),
                Arguments.of("favicon.ico", "image/vnd.microsoft.icon"),
                Arguments.of("mod.wasm", "application/wasm"),
                Arguments.of("doc.pdf", "application/pdf"),
                Arguments.of("f.woff", "font/woff"),
                Arguments.of("f.woff2", "font/woff2"),
                Arguments.of("f.ttf", "font/ttf"),
                Arguments.of("f.otf", "font/otf"),
                Arguments.of("v.mp4", "video/mp4"),
                Arguments.of("v.webm", "video/webm"),
                Arguments.of("a.mp3", "audio/mpeg"),
                Arguments.of("a.ogg", "audio/ogg"),
                Arguments.of("a.wav", "audio/wav"),
                Arguments.of("z.zip", "application/zip"),
                Arguments.of("z.tar.gz", "application/gzip"),
                Arguments.of("z.tar", "application/x-tar"),
                Arguments.of("big.bin", "application/octet-stream"),
                Arguments.of("README", "application/octet-stream"),
                Arguments.of("data.unknownext", "application/octet-stream"),
                Arguments.of(".hidden", "application/octet-stream"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("mediaTypes")
    void mediaType(String name, String type) throws Exception {
        RecordingCall call = RecordingCall.get("/" + TargetPath.encode(name));
        files.serve(call);

        assertThat(call.status()).isEqualTo(200);
        assertThat(call.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo(type);
    }

    @ParameterizedTest(name = "from the descriptor: {0}")
    @ValueSource(booleans = {true, false})
    void binaryFilesAreSentAsTheyAre(boolean fromTheFile) throws Exception {
        RecordingCall call = new RecordingCall("GET", "/big.bin", Map.of("Range", "bytes=1000-1999"));
        (fromTheFile ? fromDescriptors : files).serve(call);

        assertThat(call.status()).isEqualTo(206);
        assertThat(call.fromFile()).isEqualTo(fromTheFile);
        if (fromTheFile) {
            assertThat(call.fileOffset()).isEqualTo(1000);
        }
        assertThat(call.sent()).isEqualTo(slice(Files.readAllBytes(root.resolve("big.bin")), 1000, 1000));
    }

    private static byte[] slice(byte[] bytes, int from, int length) {
        byte[] part = new byte[length];
        System.arraycopy(bytes, from, part, 0, length);
        return part;
    }

    /**
     * Requests that try to read outside the root, and their status: 400 for what is no path
     * (malformed or overlong percent-encoding, not UTF-8, a NUL, not origin- or absolute-form),
     * 404 for the rest. Whatever the status, the answer never holds a byte of a file outside
     * the root, nor a path of the server's disk.
     */
    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("/../outside/secret.txt", 404),
                Arguments.of("/../../../../../../etc/passwd", 404),
                Arguments.of("/..", 404),
                Arguments.of("/docs/../../outside/secret.txt", 404),
                Arguments.of("/./../outside/secret.txt", 404),
                Arguments.of("/..%2foutside%2fsecret.txt", 404),
                Arguments.of("/..%2Foutside/secret.txt", 404),
                Arguments.of("/%2e%2e/outside/secret.txt", 404),
                Arguments.of("/%2E%2E/outside/secret.txt", 404),
                Arguments.of("/%2e%2e%2foutside%2fsecret.txt", 404),
                Arguments.of("/.%2e/outside/secret.txt", 404),
                Arguments.of("/%2e./outside/secret.txt", 404),
                Arguments.of("/docs/%2e%2e/%2e%2e/outside/secret.txt", 404),
                Arguments.of("/%252e%252e%252foutside%252fsecret.txt", 404),
                Arguments.of("/%252e%252e/outside/secret.txt", 404),
                Arguments.of("/..%5coutside%5csecret.txt", 404),
                Arguments.of("/..%5Coutside/secret.txt", 404),
                Arguments.of("/..\\outside\\secret.txt", 404),
                Arguments.of("/docs\\..\\..\\outside\\secret.txt", 404),
                Arguments.of("/..;/outside/secret.txt", 404),
                Arguments.of("/hello.txt%00", 400),
                Arguments.of("/%00/../outside/secret.txt", 400),
                Arguments.of("/hello.txt%00.png", 400),
                Arguments.of("/%zz", 400),
                Arguments.of("/%2", 400),
                Arguments.of("/%c0%ae%c0%ae/outside/secret.txt", 400),
                Arguments.of("/%e0%80%ae%e0%80%ae/outside/secret.txt", 400),
                Arguments.of("/%ff/secret.txt", 400),
                Arguments.of("http://example.com/../outside/secret.txt", 404),
                Arguments.of("http://example.com/%2e%2e/outside/secret.txt", 404),
                Arguments.of("http://example.com/..%2foutside/secret.txt", 404),
                Arguments.of("http:/../outside/secret.txt", 400),
                Arguments.of("file:///etc/passwd", 404),
                Arguments.of("/etc/passwd", 404),
                Arguments.of("../outside/secret.txt", 400),
                Arguments.of("..%2foutside/secret.txt", 400),
                Arguments.of("outside/secret.txt", 400),
                Arguments.of("*", 400),
                Arguments.of("//outside/secret.txt", 404),
                Arguments.of("/link-out.txt", 404),
                Arguments.of("/link-out-dir/secret.txt", 404),
                Arguments.of("/link-out-dir/", 404),
                Arguments.of("/link-out-dir", 404),
                Arguments.of("/link-abs", 404),
                Arguments.of("/link-sibling", 404),
                Arguments.of("/link-null", 404),
                Arguments.of("/docs/link-out", 404),
                Arguments.of("/fifo", 404),
                Arguments.of("/sock", 404));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("escapes")
    void nothingOutsideTheRootIsEverServed(String uri, int status) throws Exception {
        if (uri.equals("/fifo")) {
            assumeTrue(WebTree.fifo, "mkfifo is not available");
        }
        // Twice each: the second answer comes from the cache when the first was cached.
        for (StaticFiles service : List.of(files, listing, noIndex, fromDescriptors, files, fromDescriptors)) {
            RecordingCall call = RecordingCall.get(uri);
            service.serve(call);

            assertThat(call.status()).as("status").isEqualTo(status);
            assertThat(call.fromFile()).as("a file region was sent").isFalse();
            String body = new String(call.sent(), StandardCharsets.UTF_8);
            assertThat(body).doesNotContain(SECRET).doesNotContain(tmp.toString()).doesNotContain("outside");
        }
    }

    @Test
    void anUnreadableFileIs403() throws Exception {
        Path locked = Files.writeString(tmp.resolve("www/locked.txt"), "locked\n");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            assumeTrue(!Files.isReadable(locked), "this user (root?) reads every file");
            RecordingCall call = RecordingCall.get("/locked.txt");
            files.serve(call);

            assertThat(call.status()).isEqualTo(403);
        } finally {
            Files.delete(locked);
        }
    }

    @Test
    void theRootMustBeADirectory() {
        assertThatThrownBy(() -> new StaticFiles(root.resolve("hello.txt"), Optional.empty(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> new StaticFiles(tmp.resolve("missing"), Optional.empty(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such directory");
    }
}
