package dev.herd.examples.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Replies in RESP2, gathered in one growing array so that the answers to a batch of pipelined
 * commands leave in one write. Numbers are formatted straight into the array.
 */
public final class Replies {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);

    private byte[] bytes = new byte[256];
    private int size;

    /** {@code +text}: a status, such as OK or PONG (no CR or LF in it). */
    public Replies status(String text) {
        put((byte) '+');
        ascii(text);
        return put(CRLF);
    }

    /** {@code -text}: an error; its first word is its kind (ERR, WRONGTYPE...). CR and LF become spaces. */
    public Replies error(String text) {
        put((byte) '-');
        ascii(text.replace('\r', ' ').replace('\n', ' '));
        return put(CRLF);
    }

    /** {@code :n}. */
    public Replies integer(long n) {
        put((byte) ':');
        number(n);
        return put(CRLF);
    }

    /** {@code $len} and the bytes. */
    public Replies bulk(byte[] value) {
        put((byte) '$');
        number(value.length);
        put(CRLF);
        put(value);
        return put(CRLF);
    }

    /** The null bulk string: no such key. */
    public Replies nullBulk() {
        return put(NULL_BULK);
    }

    /** {@code *n}: an array of the next {@code n} replies. */
    public Replies array(int n) {
        put((byte) '*');
        number(n);
        return put(CRLF);
    }

    public int size() {
        return size;
    }

    /** What is gathered, as a buffer over this array (valid until the next change). */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes, 0, size);
    }

    public byte[] array() {
        return bytes;
    }

    public void clear() {
        size = 0;
    }

    private void number(long n) {
        if (n == Long.MIN_VALUE) {
            ascii(Long.toString(n));
            return;
        }
        if (n < 0) {
            put((byte) '-');
            n = -n;
        }
        int length = 1;
        for (long rest = n / 10; rest > 0; rest /= 10) {
            length++;
        }
        room(length);
        for (int i = size + length - 1; i >= size; i--) {
            bytes[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        size += length;
    }

    private void ascii(String text) {
        room(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes[size++] = c < 0x80 ? (byte) c : (byte) '?';
        }
    }

    private Replies put(byte b) {
        room(1);
        bytes[size++] = b;
        return this;
    }

    private Replies put(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    private void room(int n) {
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
        }
    }
}
