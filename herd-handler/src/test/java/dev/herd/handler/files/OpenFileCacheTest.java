package dev.herd.handler.files;

import dev.herd.time.ManualClock;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static dev.herd.handler.files.WebTree.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open-file cache behind {@link StaticFiles}, on a small tree of its own that each test changes:
 * what a hit costs (no system call), what a check past the validity costs (one {@code stat}), how
 * a file replaced, removed, added or reached through a re-pointed link is seen once the validity is
 * over, and when the cache lets go of memory and descriptors. The clock moves by hand (rule 8).
 */
class OpenFileCacheTest {
    private static final Duration VALID = Duration.ofSeconds(1);
    private static final Duration INACTIVE = Duration.ofSeconds(20);
    /** Files up to this size are kept in memory; the "big" ones are sent from their descriptor. */
    private static final int IN_MEMORY = 64;
    private static final String SMALL = "small\n";
    private static final String BIG = "b".repeat(200);
    private static final String SUB_INDEX = "sub home\n";

    @TempDir
    Path tmp;
    private Path root;
    private Path outside;
    private final ManualClock clock = new ManualClock(0);
    private final CountingCalls calls = new CountingCalls();
    private StaticFiles files;

    @BeforeEach
    void createTree() throws IOException {
        root = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(root.resolve("small.txt"), SMALL);
        Files.writeString(root.resolve("big.txt"), BIG);
        Files.writeString(Files.createDirectories(root.resolve("sub")).resolve("index.html"), SUB_INDEX);
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("small.txt"), SECRET + " outside\n");
        Files.writeString(outside.resolve("index.html"), SECRET + " index outside\n");
        files = serving(new OpenFileCache.Limits(VALID, INACTIVE, 1024, 1 << 20, 128, IN_MEMORY));
    }

    @AfterEach
    void closeCache() {
        files.cache().close();
    }

    private StaticFiles serving(OpenFileCache.Limits limits) {
        return new StaticFiles(root, Optional.of("index.html"), false, limits, clock, calls);
    }

    private RecordingCall get(String uri) throws IOException {
        RecordingCall call = RecordingCall.get(uri);
        files.serve(call);
        return call;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/small.txt", "/big.txt", "/sub/", "/nothing-here"})
    void aHitWithinTheValidityMakesNoSystemCall(String uri) throws IOException {
        RecordingCall first = get(uri);
        int resolved = calls.total();

        clock.advance(VALID.minusNanos(1));
        RecordingCall again = get(uri);
        RecordingCall withQuery = get(uri + "?v=2");

        assertThat(again.status()).isEqualTo(first.status());
        assertThat(again.text()).isEqualTo(first.text());
        assertThat(withQuery.text()).as("a query names the same file").isEqualTo(first.text());
        assertThat(calls.total()).as("system calls after the first request").isEqualTo(resolved);
        assertThat(calls.opens).isLessThanOrEqualTo(1);
        if (uri.equals("/big.txt")) {
            assertThat(again.fromFile()).isTrue();
            assertThat(calls.opened.getFirst().isOpen()).as("the descriptor outlives its responses").isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/small.txt", "/big.txt", "/sub/"})
    void pastTheValidityAnUnchangedFileCostsOneStat(String uri) throws IOException {
        String body = get(uri).text();
        clock.advance(VALID);
        CountingCalls before = calls.copy();

        assertThat(get(uri).text()).isEqualTo(body);
        assertThat(calls.stats).as("stat").isEqualTo(before.stats + 1);
        assertThat(calls.realPaths).as("realpath").isEqualTo(before.realPaths);
        assertThat(calls.opens).as("open").isEqualTo(before.opens);

        get(uri);
        assertThat(calls.total()).as("checked again: valid for another second").isEqualTo(before.total() + 1);
    }

    /** The replacement has the size and the time of the file it replaces: only its inode tells them apart. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"small.txt", "big.txt"})
    void aFileRenamedIntoPlaceIsSeenOncePastTheValidity(String name) throws IOException {
        String old = get("/" + name).text();
        String replacement = old.toUpperCase(java.util.Locale.ROOT);
        Path next = Files.writeString(root.resolve(".next"), replacement);
        Files.setLastModifiedTime(next, attributes(root.resolve(name)).lastModifiedTime());
        Files.move(next, root.resolve(name), StandardCopyOption.ATOMIC_MOVE);

        assertThat(get("/" + name).text()).as("within the validity").isEqualTo(old);
        clock.advance(VALID);
        RecordingCall after = get("/" + name);

        assertThat(after.text()).isEqualTo(replacement);
        assertThat(after.header("etag")).isEqualTo(Validators.of(attributes(root.resolve(name))).etag());
        assertThat(calls.opened.getFirst().isOpen()).as("the replaced file's descriptor").isFalse();
    }

    @Test
    void aFileRewrittenInPlaceIsSeenOncePastTheValidity() throws IOException {
        get("/small.txt");
        Files.writeString(root.resolve("small.txt"), "longer than before\n");
        clock.advance(VALID);

        assertThat(get("/small.txt").text()).isEqualTo("longer than before\n");
    }

    @Test
    void aRemovedFileIs404OncePastTheValidity() throws IOException {
        get("/big.txt");
        get("/sub/");
        Files.delete(root.resolve("big.txt"));
        Files.delete(root.resolve("sub/index.html"));

        clock.advance(VALID);

        assertThat(get("/big.txt").status()).isEqualTo(404);
        assertThat(get("/sub/").status()).as("a directory without its index").isEqualTo(403);
        assertThat(calls.opened.getFirst().isOpen()).as("the removed file's descriptor").isFalse();
    }

    @Test
    void aMissIsRememberedUntilTheValidityIsOver() throws IOException {
        assertThat(get("/later.txt").status()).isEqualTo(404);
        int resolved = calls.total();
        Files.writeString(root.resolve("later.txt"), "here\n");

        assertThat(get("/later.txt").status()).isEqualTo(404);
        assertThat(calls.total()).isEqualTo(resolved);
        clock.advance(VALID);
        assertThat(get("/later.txt").text()).isEqualTo("here\n");
    }

    @Test
    void aLinkRepointedOutOfTheTreeIsRefusedOncePastTheValidity() throws IOException {
        Files.createSymbolicLink(root.resolve("link.txt"), Path.of("small.txt"));
        Files.createSymbolicLink(root.resolve("link-dir"), Path.of("sub"));
        Files.writeString(root.resolve("sub/small.txt"), SMALL);
        List<String> uris = List.of("/link.txt", "/link-dir/small.txt", "/link-dir/index.html", "/link-dir/");
        for (String uri : uris) {
            assertThat(get(uri).status()).as(uri).isEqualTo(200);
        }

        repoint(root.resolve("link.txt"), Path.of("../outside/small.txt"));
        repoint(root.resolve("link-dir"), Path.of("../outside"));
        clock.advance(VALID);

        for (String uri : uris) {
            RecordingCall call = get(uri);
            assertThat(call.status()).as(uri).isEqualTo(404);
            assertThat(call.text()).as(uri).doesNotContain(SECRET);
        }
    }

    /** Points the link at {@code target} in one step, as a deployment swaps a link. */
    private static void repoint(Path link, Path target) throws IOException {
        Path next = Files.createSymbolicLink(link.resolveSibling(".next-link"), target);
        Files.move(next, link, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aSmallFileIsReadOnceAndEveryAnswerComesFromMemory() throws IOException {
        String etag = get("/small.txt").header("etag");
        RecordingCall range = new RecordingCall("GET", "/small.txt", Map.of("Range", "bytes=1-3"));
        files.serve(range);
        RecordingCall head = new RecordingCall("HEAD", "/small.txt", Map.of());
        files.serve(head);
        RecordingCall unchanged = new RecordingCall("GET", "/small.txt", Map.of("If-None-Match", etag));
        files.serve(unchanged);
        RecordingCall unsatisfiable = new RecordingCall("GET", "/small.txt", Map.of("Range", "bytes=10-"));
        files.serve(unsatisfiable);

        assertThat(range.status()).isEqualTo(206);
        assertThat(range.text()).isEqualTo("mal");
        assertThat(range.header("content-range")).isEqualTo("bytes 1-3/6");
        assertThat(range.fromFile()).isFalse();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(head.text()).as("the length the pipeline announces").isEqualTo(SMALL);
        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(unchanged.header("etag")).isEqualTo(etag);
        assertThat(unsatisfiable.status()).isEqualTo(416);
        assertThat(calls.opens).isEqualTo(1);
        assertThat(calls.opened.getFirst().isOpen()).as("read, then closed").isFalse();
    }

    @Test
    void aResponseStillSendingKeepsTheDescriptorOfAReplacedFile() throws IOException {
        RecordingCall slow = RecordingCall.holding("/big.txt");
        files.serve(slow);
        Path next = Files.writeString(root.resolve(".next"), "n".repeat(300));
        Files.move(next, root.resolve("big.txt"), StandardCopyOption.ATOMIC_MOVE);
        clock.advance(VALID);

        assertThat(get("/big.txt").text()).isEqualTo("n".repeat(300));
        FileChannel old = calls.opened.getFirst();
        assertThat(old.isOpen()).as("a response still sends from it").isTrue();
        assertThat(new String(slow.finishSending(), StandardCharsets.US_ASCII)).isEqualTo(BIG);
        assertThat(old.isOpen()).as("the last response is done").isFalse();
    }

    @Test
    void aPathNoRequestAskedForInAWhileIsDroppedAndItsFileClosed() throws IOException {
        get("/big.txt");
        get("/small.txt");
        clock.advance(INACTIVE.minusSeconds(5));
        get("/small.txt");
        clock.advance(Duration.ofSeconds(5));
        get("/nothing-here"); // any request looks, the big file was last asked for 20 s ago

        assertThat(calls.opened.getFirst().isOpen()).as("the big file").isFalse();
        assertThat(files.cache().size()).as("small.txt and the miss are kept").isEqualTo(2);
    }

    @Test
    void pastTheDescriptorLimitTheLeastRecentlyUsedFileIsClosed() throws IOException {
        files = serving(new OpenFileCache.Limits(VALID, INACTIVE, 1024, 1 << 20, 2, IN_MEMORY));
        Files.writeString(root.resolve("big2.txt"), BIG);
        Files.writeString(root.resolve("big3.txt"), BIG);

        get("/big.txt");
        get("/big2.txt");
        get("/big.txt");
        get("/big3.txt");

        assertThat(calls.opened).hasSize(3);
        assertThat(calls.opened.get(0).isOpen()).as("big.txt, used last but one").isTrue();
        assertThat(calls.opened.get(1).isOpen()).as("big2.txt, the least recently used").isFalse();
        assertThat(calls.opened.get(2).isOpen()).isTrue();
        assertThat(get("/big2.txt").text()).isEqualTo(BIG);
        assertThat(calls.opens).as("big2.txt opened again").isEqualTo(4);
    }

    @Test
    void pastTheEntryLimitTheLeastRecentlyUsedPathIsForgotten() throws IOException {
        files = serving(new OpenFileCache.Limits(VALID, INACTIVE, 2, 1 << 20, 128, IN_MEMORY));

        get("/small.txt");
        get("/nothing-here");
        get("/big.txt");
        int resolved = calls.total();
        get("/big.txt");
        get("/nothing-here");

        assertThat(calls.total()).as("the two most recent paths are kept").isEqualTo(resolved);
        assertThat(files.cache().size()).isEqualTo(2);
        get("/small.txt");
        assertThat(calls.opens).as("small.txt opened again").isEqualTo(3);
    }

    @Test
    void pastTheMemoryLimitTheLeastRecentlyUsedBytesAreFreed() throws IOException {
        files = serving(new OpenFileCache.Limits(VALID, INACTIVE, 1024, IN_MEMORY, 128, IN_MEMORY));
        Files.writeString(root.resolve("a.txt"), "a".repeat(40));
        Files.writeString(root.resolve("b.txt"), "b".repeat(40));

        get("/a.txt");
        get("/b.txt");
        get("/b.txt");
        get("/a.txt");

        assertThat(calls.opens).as("a.txt and b.txt do not fit together").isEqualTo(3);
        assertThat(files.cache().size()).isEqualTo(1);
    }

    @Test
    void theFilesAreClosedWhenTheLoopThreadEnds() throws Exception {
        AtomicReference<RecordingCall> call = new AtomicReference<>();
        Thread loop = new FastThreadLocalThread(() -> {
            try {
                call.set(get("/big.txt"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "loop-test");
        loop.start();
        loop.join();

        assertThat(call.get().text()).isEqualTo(BIG);
        assertThat(calls.opened).hasSize(1);
        assertThat(calls.opened.getFirst().isOpen()).isFalse();
    }

    @Test
    void eachThreadHasACacheOfItsOwn() throws Exception {
        get("/big.txt");
        Thread other = new FastThreadLocalThread(() -> {
            try {
                get("/big.txt");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "loop-other");
        other.start();
        other.join();

        assertThat(calls.opens).isEqualTo(2);
        assertThat(calls.opened.getFirst().isOpen()).as("this thread's").isTrue();
    }

    private static BasicFileAttributes attributes(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class);
    }

    /** The JDK's system calls, counted; every file opened is kept, to see when it is closed. */
    private static final class CountingCalls implements FileSystemCalls {
        int realPaths;
        int stats;
        int opens;
        final List<FileChannel> opened = new ArrayList<>();

        @Override
        public Path realPath(Path path) throws IOException {
            realPaths++;
            return JDK.realPath(path);
        }

        @Override
        public BasicFileAttributes attributes(Path path) throws IOException {
            stats++;
            return JDK.attributes(path);
        }

        @Override
        public FileChannel open(Path realPath) throws IOException {
            opens++;
            FileChannel channel = JDK.open(realPath);
            opened.add(channel);
            return channel;
        }

        int total() {
            return realPaths + stats + opens;
        }

        CountingCalls copy() {
            CountingCalls copy = new CountingCalls();
            copy.realPaths = realPaths;
            copy.stats = stats;
            copy.opens = opens;
            return copy;
        }
    }
}
