package dev.herd.handler.log;

import dev.herd.api.HandlerContext;
import dev.herd.config.Settings;
import io.netty.channel.EventLoop;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The access log of one handler process ({@code --access-log}, {@code --access-log-format}): a
 * line per request in the Combined Log Format with the request time after it, or a JSON object per
 * line. Every event loop gathers its lines in a buffer of its own, so serving never waits on the
 * file; a loop writes its buffer when it passes {@link #FLUSH_BYTES}, and every second. Each write
 * is whole lines in one {@code write(2)} to a file opened with {@code O_APPEND}, so the lines of
 * many handlers never interleave. On a graceful stop the loops' last lines are written once the
 * loops have ended, and nothing is lost.
 *
 * <p>Rotation: after the operator moves the file away, {@code herd reopen-logs} (or SIGUSR1 to the
 * spawner) raises the scoreboard's log epoch; each loop sees it at its next second and the file is
 * opened anew at its path.
 */
public final class AccessLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
    /** A loop's buffer is written once it holds this much. */
    static final int FLUSH_BYTES = 32 * 1024;
    /** What a pipe writes whole beside other writers (Linux). */
    static final int PIPE_BUF = 4096;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** No access log: nothing is formatted. */
    public static final AccessLog OFF = new AccessLog(null, null, Settings.AccessLogFormat.COMBINED, null, () -> 0);

    private final Path path;
    private final Settings.AccessLogFormat format;
    private final HandlerContext handler;
    private final IntSupplier epoch;
    private final List<Loop> loops = new CopyOnWriteArrayList<>();
    private volatile WritableByteChannel out;
    private int openedAtEpoch;

    private AccessLog(WritableByteChannel out, Path path, Settings.AccessLogFormat format, HandlerContext handler,
                      IntSupplier epoch) {
        this.out = out;
        this.path = path;
        this.format = format;
        this.handler = handler;
        this.epoch = epoch;
        this.openedAtEpoch = epoch.getAsInt();
    }

    /**
     * The access log {@code destination} names: {@code off}, {@code -} (standard output) or a file,
     * opened now for appending.
     *
     * @param epoch the scoreboard's log epoch: a change asks for the file to be opened again
     */
    public static AccessLog open(String destination, Settings.AccessLogFormat format, HandlerContext handler,
                                 IntSupplier epoch) throws IOException {
        if (destination.equalsIgnoreCase("off")) {
            return OFF;
        }
        if (destination.equals("-")) {
            return new AccessLog(new FileOutputStream(FileDescriptor.out).getChannel(), null, format, handler, epoch);
        }
        Path path = Path.of(destination);
        return new AccessLog(append(path), path, format, handler, epoch);
    }

    private static FileChannel append(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    public boolean enabled() {
        return out != null;
    }

    /** The log of {@code loop}, written every second on that loop; {@link Loop#OFF} when there is no log. */
    public Loop forLoop(EventLoop loop) {
        if (!enabled()) {
            return Loop.OFF;
        }
        Loop log = new Loop(this);
        loops.add(log);
        loop.scheduleAtFixedRate(log::flush, 1, 1, TimeUnit.SECONDS);
        return log;
    }

    /** What is logged of one request. */
    public record Entry(String remote, String method, String target, String protocol, int status, long bytes,
                        String referer, String userAgent, long startedMillis, long durationNanos) {
    }

    /** One event loop's lines; used on that loop's thread, and by {@link #close} once the loop has ended. */
    public static final class Loop {
        /** For a handler without an access log. */
        public static final Loop OFF = new Loop(null);

        private final AccessLog log;
        private final StringBuilder lines = new StringBuilder(1024);

        private Loop(AccessLog log) {
            this.log = log;
        }

        public boolean enabled() {
            return log != null;
        }

        public void add(Entry entry) {
            if (log == null) {
                return;
            }
            log.format(entry, lines);
            if (lines.length() >= FLUSH_BYTES) {
                flush();
            }
        }

        /**
         * Writes the buffered lines, then opens the file again if the log epoch moved: this loop's
         * lines from before a rotation stay in the rotated file (those other loops of the process
         * still hold go to the new one).
         */
        void flush() {
            if (!lines.isEmpty()) {
                log.write(lines);
                lines.setLength(0);
            }
            log.reopenIfAsked();
        }
    }

    private void format(Entry e, StringBuilder line) {
        if (format == Settings.AccessLogFormat.JSON) {
            line.append("{\"time\":\"").append(Instant.ofEpochMilli(e.startedMillis())).append("\",\"remote\":");
            json(line, e.remote());
            line.append(",\"method\":");
            json(line, e.method());
            line.append(",\"target\":");
            json(line, e.target());
            line.append(",\"protocol\":");
            json(line, e.protocol());
            line.append(",\"status\":").append(e.status()).append(",\"bytes\":").append(e.bytes())
                    .append(",\"referer\":");
            json(line, e.referer());
            line.append(",\"user_agent\":");
            json(line, e.userAgent());
            line.append(",\"duration_us\":").append(e.durationNanos() / 1000)
                    .append(",\"slot\":").append(handler.slot()).append(",\"generation\":").append(handler.generation())
                    .append("}\n");
            return;
        }
        // host ident authuser [time] "request" status bytes "referer" "user-agent" seconds
        line.append(e.remote()).append(" - - [").append(CLF_TIME.format(Instant.ofEpochMilli(e.startedMillis())))
                .append("] \"");
        if (e.method() == null) {
            line.append('-');
        } else {
            escaped(line, e.method());
            line.append(' ');
            escaped(line, e.target());
            line.append(' ');
            escaped(line, e.protocol());
        }
        line.append("\" ").append(e.status()).append(' ');
        if (e.bytes() > 0) {
            line.append(e.bytes());
        } else {
            line.append('-');
        }
        line.append(" \"");
        escaped(line, e.referer() == null ? "-" : e.referer());
        line.append("\" \"");
        escaped(line, e.userAgent() == null ? "-" : e.userAgent());
        long micros = e.durationNanos() / 1000;
        line.append("\" ").append(micros / 1_000_000).append('.');
        String fraction = Long.toString(micros % 1_000_000);
        line.repeat('0', 6 - fraction.length()).append(fraction).append('\n');
    }

    /** As nginx escapes what a client sent: {@code "}, {@code \} and bytes outside printable ASCII as {@code \xHH}. */
    private static void escaped(StringBuilder line, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    line.append("\\x").append(HEX.toHexDigits(b));
                }
            } else {
                line.append(c);
            }
        }
    }

    private static void json(StringBuilder line, String value) {
        if (value == null) {
            line.append("null");
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        line.append("\\u").append(HexFormat.of().toHexDigits((short) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }

    /**
     * Whole lines in one write each: to a file all of them (O_APPEND keeps each write whole beside
     * other processes'), to standard output at most {@link #PIPE_BUF} bytes of them (a pipe keeps
     * only writes that small whole). A failure is logged and the lines are dropped.
     */
    private void write(CharSequence lines) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(lines));
        try {
            WritableByteChannel channel = out;
            synchronized (channel) {
                while (bytes.hasRemaining()) {
                    ByteBuffer piece = path != null ? bytes : wholeLinesUpTo(bytes, PIPE_BUF);
                    while (piece.hasRemaining()) {
                        channel.write(piece);
                    }
                    bytes.position(bytes.position() + (piece == bytes ? 0 : piece.limit()));
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "access log " + (path == null ? "(stdout)" : path)
                    + ": lines lost: " + e.getMessage());
        }
    }

    /** The lines at the start of {@code bytes} that fit in {@code max} bytes (or one longer line), as a slice. */
    static ByteBuffer wholeLinesUpTo(ByteBuffer bytes, int max) {
        int start = bytes.position();
        int end = Math.min(bytes.limit(), start + max);
        if (end < bytes.limit()) {
            int lastNewline = -1;
            for (int i = end - 1; i >= start; i--) {
                if (bytes.get(i) == '\n') {
                    lastNewline = i;
                    break;
                }
            }
            if (lastNewline >= 0) {
                end = lastNewline + 1;
            } else {
                // One line longer than max: it goes whole, in one write.
                end = start;
                while (end < bytes.limit() && bytes.get(end++) != '\n') {
                    // to the end of that line
                }
            }
        }
        return bytes.slice(start, end - start);
    }

    private synchronized void reopenIfAsked() {
        int now = epoch.getAsInt();
        if (now == openedAtEpoch || path == null) {
            return;
        }
        openedAtEpoch = now;
        try {
            WritableByteChannel old = out;
            out = append(path);
            old.close();
            LOG.log(System.Logger.Level.INFO, "access log " + path + " opened again");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "access log " + path + ": cannot open it again, writing on to the "
                    + "old file: " + e.getMessage());
        }
    }

    /** Writes every loop's last lines and closes the file; once the loops have ended. */
    @Override
    public void close() {
        if (!enabled()) {
            return;
        }
        loops.forEach(Loop::flush);
        if (path != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "access log " + path + ": " + e.getMessage());
            }
        }
    }
}
