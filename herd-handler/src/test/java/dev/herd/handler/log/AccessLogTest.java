package dev.herd.handler.log;

import dev.herd.api.HandlerContext;
import dev.herd.config.Settings;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The access log's lines, their escaping, the pieces written to a pipe, and the reopening after a rotation. */
class AccessLogTest {
    private static final HandlerContext HANDLER = new HandlerContext(4242, 1, 3, List.of());
    private static final long AT = Instant.parse("2026-11-24T22:56:29.123Z").toEpochMilli();

    @TempDir
    Path dir;
    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private List<String> logged(Settings.AccessLogFormat format, AccessLog.Entry... entries) throws IOException {
        Path file = dir.resolve("access.log");
        AccessLog log = AccessLog.open(file.toString(), format, HANDLER, () -> 0);
        AccessLog.Loop lines = log.forLoop(loop);
        for (AccessLog.Entry e : entries) {
            lines.add(e);
        }
        log.close();
        return Files.readAllLines(file);
    }

    @Test
    void combinedIsApachesFormatWithTheRequestTimeAfterIt() throws IOException {
        assertThat(logged(Settings.AccessLogFormat.COMBINED,
                new AccessLog.Entry("127.0.0.1", "GET", "/a?b=1", "HTTP/1.1", 200, 13, "http://x/", "curl/8.5",
                        AT, 1_234_567),
                new AccessLog.Entry("::1", null, null, null, 400, 0, null, null, AT, 2_000_000_000L),
                new AccessLog.Entry("10.0.0.1", "GET", "/\"quoted\"", "HTTP/1.0", 304, 0, null, "evil\"\n agent",
                        AT, 5)))
                .containsExactly(
                        "127.0.0.1 - - [24/Nov/2026:22:56:29 +0000] \"GET /a?b=1 HTTP/1.1\" 200 13 \"http://x/\" \"curl/8.5\" 0.001234",
                        "::1 - - [24/Nov/2026:22:56:29 +0000] \"-\" 400 - \"-\" \"-\" 2.000000",
                        "10.0.0.1 - - [24/Nov/2026:22:56:29 +0000] \"GET /\\x22quoted\\x22 HTTP/1.0\" 304 - \"-\" \"evil\\x22\\x0A agent\" 0.000000");
    }

    @Test
    void jsonIsAnObjectPerLineWithTheHandlersSlotAndGeneration() throws IOException {
        assertThat(logged(Settings.AccessLogFormat.JSON,
                new AccessLog.Entry("127.0.0.1", "POST", "/echo", "HTTP/1.1", 200, 5, null, "a\"b\\c\u0001", AT, 42_000)))
                .containsExactly("{\"time\":\"2026-11-24T22:56:29.123Z\",\"remote\":\"127.0.0.1\",\"method\":\"POST\","
                        + "\"target\":\"/echo\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"bytes\":5,\"referer\":null,"
                        + "\"user_agent\":\"a\\\"b\\\\c\\u0001\",\"duration_us\":42,\"slot\":1,\"generation\":3}");
    }

    @Test
    void aPipeGetsWholeLinesInPiecesThatItKeepsWhole() {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode("aaaa\nbbbb\ncccccccccccc\nd\n");

        assertThat(StandardCharsets.UTF_8.decode(AccessLog.wholeLinesUpTo(bytes.duplicate(), 12)).toString())
                .isEqualTo("aaaa\nbbbb\n");
        bytes.position(10);
        assertThat(StandardCharsets.UTF_8.decode(AccessLog.wholeLinesUpTo(bytes.duplicate(), 12)).toString())
                .as("a line longer than the piece goes whole").isEqualTo("cccccccccccc\n");
        bytes.position(23);
        assertThat(StandardCharsets.UTF_8.decode(AccessLog.wholeLinesUpTo(bytes.duplicate(), 12)).toString())
                .isEqualTo("d\n");
    }

    @Test
    void aRaisedEpochOpensTheFileAgainAtItsPath() throws IOException {
        Path file = dir.resolve("access.log");
        AtomicInteger epoch = new AtomicInteger();
        AccessLog log = AccessLog.open(file.toString(), Settings.AccessLogFormat.COMBINED, HANDLER, epoch::get);
        AccessLog.Loop lines = log.forLoop(loop);
        lines.add(new AccessLog.Entry("127.0.0.1", "GET", "/before", "HTTP/1.1", 200, 1, null, null, AT, 0));
        lines.flush();
        Path rotated = Files.move(file, dir.resolve("access.log.1"));
        lines.add(new AccessLog.Entry("127.0.0.1", "GET", "/between", "HTTP/1.1", 200, 1, null, null, AT, 0));
        epoch.incrementAndGet();
        lines.flush();
        lines.add(new AccessLog.Entry("127.0.0.1", "GET", "/after", "HTTP/1.1", 200, 1, null, null, AT, 0));
        log.close();

        assertThat(Files.readString(rotated)).as("lines buffered when the epoch moved stay in the rotated file")
                .contains("/before").contains("/between").doesNotContain("/after");
        assertThat(Files.readString(file)).contains("/after").doesNotContain("/before").doesNotContain("/between");
    }
}
