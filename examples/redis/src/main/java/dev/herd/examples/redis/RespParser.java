package dev.herd.examples.redis;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An incremental parser of Redis commands as clients send them (RESP2): multibulk
 * ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and inline ({@code PING\r\n}, words separated by
 * spaces, no quoting). Bytes may arrive split anywhere; {@link #feed} takes whatever the socket
 * gave and reports each whole command as soon as its last byte is in, so pipelined commands come
 * out one after another.
 *
 * <p>It keeps no copy of the input: headers are read a byte at a time through a small state
 * machine, and argument bytes are copied once, in bulk, into the array handed to the listener.
 * Malformed input is reported once to {@link Listener#protocolError}; the parser then ignores
 * everything (the connection is to be closed, as Redis does).
 */
public final class RespParser {
    /** Most arguments in one multibulk command. */
    static final int MAX_ARGS = 1024 * 1024;
    /** Longest inline command line. */
    static final int MAX_INLINE = 64 * 1024;

    /** Where the parsed commands go; called from {@link #feed}. */
    public interface Listener {
        /**
         * A whole command: {@code args[0]} is its name. The array is reused after this returns;
         * the byte arrays in it belong to the listener.
         */
        void command(byte[][] args, int count);

        /** Malformed input; nothing more is parsed. */
        void protocolError(String message);
    }

    private enum State { START, ARG_COUNT, BULK_PREFIX, BULK_LENGTH, BULK_DATA, BULK_CR, BULK_LF, INLINE, FAILED }

    private final Listener listener;
    private final int maxBulk;
    private State state = State.START;

    private byte[][] args = new byte[8][];
    private int count;
    private int expected;

    // A number being read ("*<n>\r\n", "$<n>\r\n").
    private long number;
    private boolean negative;
    private int digits;
    private boolean numberCr;

    private byte[] bulk;
    private int filled;

    private byte[] line = new byte[64];
    private int lineLength;

    /** @param maxBulk longest argument accepted, in bytes */
    public RespParser(Listener listener, int maxBulk) {
        this.listener = listener;
        this.maxBulk = maxBulk;
    }

    /** Whether no command is partly read: a good moment to close the connection. */
    public boolean atBoundary() {
        return state == State.START;
    }

    /** Parses all of {@code in} (its position moves to its limit). */
    public void feed(ByteBuffer in) {
        while (in.hasRemaining()) {
            switch (state) {
                case START -> {
                    byte b = in.get(in.position());
                    if (b == '*') {
                        in.get();
                        startNumber(State.ARG_COUNT);
                    } else {
                        lineLength = 0;
                        state = State.INLINE;
                    }
                }
                case ARG_COUNT -> {
                    if (readNumber(in)) {
                        argCount();
                    }
                }
                case BULK_PREFIX -> {
                    byte b = in.get();
                    if (b != '$') {
                        fail("expected '$', got '" + printable(b) + "'");
                    } else {
                        startNumber(State.BULK_LENGTH);
                    }
                }
                case BULK_LENGTH -> {
                    if (readNumber(in)) {
                        bulkLength();
                    }
                }
                case BULK_DATA -> {
                    int n = Math.min(in.remaining(), bulk.length - filled);
                    in.get(bulk, filled, n);
                    filled += n;
                    if (filled == bulk.length) {
                        state = State.BULK_CR;
                    }
                }
                case BULK_CR -> expect(in.get(), '\r', State.BULK_LF);
                case BULK_LF -> {
                    if (expect(in.get(), '\n', State.BULK_PREFIX)) {
                        argument(bulk);
                    }
                }
                case INLINE -> inline(in);
                case FAILED -> in.position(in.limit());
            }
        }
    }

    private void argCount() {
        if (number > MAX_ARGS) {
            fail("invalid multibulk length");
        } else if (number <= 0) {
            // "*0" and "*-1" carry no command: nothing to answer.
            state = State.START;
        } else {
            expected = (int) number;
            count = 0;
            state = State.BULK_PREFIX;
        }
    }

    private void bulkLength() {
        if (negative || number > maxBulk) {
            fail("invalid bulk length");
            return;
        }
        bulk = new byte[(int) number];
        filled = 0;
        state = bulk.length == 0 ? State.BULK_CR : State.BULK_DATA;
    }

    private void argument(byte[] value) {
        if (count == args.length) {
            // Grown as arguments arrive, never from the announced count alone: "*1000000" costs nothing.
            args = Arrays.copyOf(args, Math.min(MAX_ARGS, args.length * 2));
        }
        args[count++] = value;
        bulk = null;
        if (count == expected) {
            state = State.START;
            deliver();
        }
    }

    private void deliver() {
        int n = count;
        count = 0;
        listener.command(args, n);
        Arrays.fill(args, 0, n, null);
    }

    private void startNumber(State next) {
        number = 0;
        negative = false;
        digits = 0;
        numberCr = false;
        state = next;
    }

    /** Reads "[-]digits\r\n"; true once the line is complete. */
    private boolean readNumber(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (numberCr) {
                if (b != '\n' || digits == 0) {
                    fail(state == State.ARG_COUNT ? "invalid multibulk length" : "invalid bulk length");
                    return false;
                }
                if (negative) {
                    number = -number;
                }
                return true;
            }
            if (b == '\r') {
                numberCr = true;
            } else if (b == '-' && digits == 0 && !negative) {
                negative = true;
            } else if (b >= '0' && b <= '9' && digits < 18) {
                number = number * 10 + (b - '0');
                digits++;
            } else {
                fail(state == State.ARG_COUNT ? "invalid multibulk length" : "invalid bulk length");
                return false;
            }
        }
        return false;
    }

    private boolean expect(byte b, char wanted, State next) {
        if (b != wanted) {
            fail("expected CRLF after an argument, got '" + printable(b) + "'");
            return false;
        }
        state = next;
        return true;
    }

    /** Gathers an inline line up to '\n', then splits it on spaces and tabs. */
    private void inline(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                state = State.START;
                splitInline();
                return;
            }
            if (lineLength == MAX_INLINE) {
                fail("too big inline request");
                return;
            }
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_INLINE, line.length * 2));
            }
            line[lineLength++] = b;
        }
    }

    private void splitInline() {
        int end = lineLength;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        count = 0;
        int i = 0;
        while (i < end) {
            while (i < end && (line[i] == ' ' || line[i] == '\t')) {
                i++;
            }
            int start = i;
            while (i < end && line[i] != ' ' && line[i] != '\t') {
                i++;
            }
            if (i > start) {
                if (count == args.length) {
                    args = Arrays.copyOf(args, args.length * 2);
                }
                args[count++] = Arrays.copyOfRange(line, start, i);
            }
        }
        if (count > 0) {
            // An empty line is no command (redis-cli and telnet users send them).
            deliver();
        }
    }

    private void fail(String message) {
        state = State.FAILED;
        bulk = null;
        count = 0;
        listener.protocolError(message);
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
