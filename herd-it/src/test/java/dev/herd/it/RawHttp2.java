package dev.herd.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A cleartext HTTP/2 client by prior knowledge that writes frames exactly as a test says, however
 * wrong (RFC 9113 §4.1): what the floods and stalls of the abuse tests are made of. Header blocks
 * are HPACK literals without indexing (RFC 7541 §6.2.2), which any decoder reads.
 */
final class RawHttp2 implements AutoCloseable {
    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int PING = 6;
    static final int GOAWAY = 7;
    static final int WINDOW_UPDATE = 8;
    static final int CONTINUATION = 9;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    static final int ACK = 0x1;
    static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    static final int CANCEL = 0x8;
    static final int ENHANCE_YOUR_CALM = 0xb;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A frame as read. */
    record Frame(int type, int flags, int stream, byte[] payload) {
        /** A GOAWAY's error code. */
        int errorCode() {
            return ((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8)
                    | (payload[7] & 0xff);
        }

        /** A HEADERS frame's {@code :status}, when the server sent it as one literal or static-table byte. */
        String status() {
            // Indexed :status of the static table: 8 = 200, 13 = 404, and so on; else a literal.
            int first = payload[0] & 0xff;
            Map<Integer, String> indexed = Map.of(0x88, "200", 0x89, "204", 0x8a, "206", 0x8b, "304", 0x8c, "400",
                    0x8d, "404", 0x8e, "500");
            if (indexed.containsKey(first)) {
                return indexed.get(first);
            }
            return new String(payload, 2, 3, StandardCharsets.US_ASCII);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    /** HEADERS frames read: the streams the server answered. */
    final java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();
    /** Every GOAWAY read, as its error code and debug data: for failure messages. */
    final java.util.List<String> goAways = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.BlockingQueue<Frame> frames = new java.util.concurrent.LinkedBlockingQueue<>();

    /** Connects, sends the preface and {@code settings} (id, value pairs). */
    RawHttp2(SocketAddress address, int... settings) throws IOException {
        socket = new Socket();
        socket.connect(address, 5_000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        Thread.ofVirtual().start(this::readAll);
        out.write(PREFACE);
        byte[] payload = new byte[settings.length * 3];
        for (int i = 0; i < settings.length; i += 2) {
            int at = i * 3;
            payload[at] = (byte) (settings[i] >> 8);
            payload[at + 1] = (byte) settings[i];
            payload[at + 2] = (byte) (settings[i + 1] >>> 24);
            payload[at + 3] = (byte) (settings[i + 1] >>> 16);
            payload[at + 4] = (byte) (settings[i + 1] >>> 8);
            payload[at + 5] = (byte) settings[i + 1];
        }
        frame(SETTINGS, 0, 0, payload);
        frame(SETTINGS, ACK, 0, new byte[0]);
        out.flush();
    }

    /** A request head for {@code path}, with {@code extra} fields (name, value pairs). */
    static byte[] head(String method, String path, String... extra) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", method);
        literal(block, ":scheme", "http");
        literal(block, ":path", path);
        literal(block, ":authority", "localhost");
        for (int i = 0; i < extra.length; i += 2) {
            literal(block, extra[i], extra[i + 1]);
        }
        return block.toByteArray();
    }

    /** A literal field without indexing, with a new name. */
    static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0);
        string(block, name.getBytes(StandardCharsets.US_ASCII));
        string(block, value.getBytes(StandardCharsets.US_ASCII));
    }

    private static void string(ByteArrayOutputStream block, byte[] bytes) {
        integer(block, 7, bytes.length);
        block.writeBytes(bytes);
    }

    /** RFC 7541 §5.1: an integer with an N-bit prefix (the flag bits above it zero). */
    private static void integer(ByteArrayOutputStream block, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            block.write(value);
            return;
        }
        block.write(max);
        value -= max;
        while (value >= 128) {
            block.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        block.write(value);
    }

    /** Writes one frame; not flushed. */
    void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] header = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
                (byte) stream};
        out.write(header);
        out.write(payload);
    }

    /** A whole GET request on {@code stream}. */
    void get(int stream, String path) throws IOException {
        frame(HEADERS, END_HEADERS | END_STREAM, stream, head("GET", path));
        out.flush();
    }

    void reset(int stream) throws IOException {
        frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, CANCEL});
    }

    void flush() throws IOException {
        out.flush();
    }

    /**
     * The next frame, or null once the server closed the connection (or reset it); a frame not
     * come within {@code timeout} fails the test. Frames are read as they come, by a thread of their
     * own, so that a flood being written does not keep the server's last frames unread until a reset
     * destroys them.
     */
    Frame read(Duration timeout) {
        try {
            Frame frame = frames.poll(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no frame from the server within " + timeout.toMillis() + " ms");
            }
            return frame == CLOSED ? null : frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static final Frame CLOSED = new Frame(-1, 0, 0, new byte[0]);

    private void readAll() {
        try {
            while (true) {
                int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (type == HEADERS) {
                    answers.incrementAndGet();
                }
                frames.add(new Frame(type, flags, stream, payload));
            }
        } catch (IOException closedOrReset) {
            frames.add(CLOSED);
        }
    }

    /**
     * Reads until the server closes, keeping the first GOAWAY it sent (null if none) and acknowledging
     * nothing; {@code within} bounds the whole wait.
     */
    Frame goAwayThenClose(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Frame goAway = null;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the server kept the connection open past " + within.toSeconds() + " s");
            }
            Frame frame = read(Duration.ofNanos(left));
            if (frame == null) {
                return goAway;
            }
            if (frame.type() == GOAWAY) {
                goAways.add(frame.errorCode() + ":" + new String(frame.payload(), 8, frame.payload().length - 8,
                        StandardCharsets.UTF_8));
                if (goAway == null) {
                    goAway = frame;
                }
            }
        }
    }

    /** Writes {@code frames} until the server stops taking them (it closed), or all are written; returns how many went. */
    int flood(int count, FrameSource frames) {
        int sent = 0;
        try {
            for (; sent < count; sent++) {
                frames.write(this, sent);
                if (sent % 64 == 63) {
                    out.flush();
                }
            }
            out.flush();
        } catch (IOException closed) {
            // The server closed the connection: the flood ends there.
        }
        return sent;
    }

    @FunctionalInterface
    interface FrameSource {
        void write(RawHttp2 connection, int index) throws IOException;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
