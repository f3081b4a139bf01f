package dev.herd.examples.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys and their string values, in memory, for one handler process: herd runs one instance of
 * the application per handler, so each handler has a keyspace of its own (a client that connects
 * twice may reach two handlers and see two keyspaces). Safe to use from every event loop at once.
 */
public final class Keyspace {
    private final ConcurrentHashMap<Key, byte[]> values = new ConcurrentHashMap<>();

    /** A key by content: byte arrays compare by identity. */
    private record Key(byte[] bytes, int hash) {
        static Key of(byte[] bytes) {
            return new Key(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Thrown by {@link #increment} when the value is not an integer, or would overflow. */
    public static final class NotAnInteger extends Exception {
        private static final long serialVersionUID = 1L;

        NotAnInteger(String message) {
            super(message, null, false, false);
        }
    }

    public byte[] get(byte[] key) {
        return values.get(Key.of(key));
    }

    public void set(byte[] key, byte[] value) {
        values.put(Key.of(key), value);
    }

    public boolean delete(byte[] key) {
        return values.remove(Key.of(key)) != null;
    }

    public boolean exists(byte[] key) {
        return values.containsKey(Key.of(key));
    }

    public int size() {
        return values.size();
    }

    /** Adds one to the integer stored at {@code key} (absent counts as 0), atomically; returns the new value. */
    public long increment(byte[] key) throws NotAnInteger {
        Key k = Key.of(key);
        while (true) {
            byte[] old = values.get(k);
            long value = old == null ? 0 : parse(old);
            if (value == Long.MAX_VALUE) {
                throw new NotAnInteger("increment or decrement would overflow");
            }
            byte[] next = Long.toString(value + 1).getBytes(StandardCharsets.US_ASCII);
            // Compare-and-set on the array's identity: another INCR in between makes us read again.
            if (old == null ? values.putIfAbsent(k, next) == null : values.replace(k, old, next)) {
                return value + 1;
            }
        }
    }

    /** A canonical decimal integer, as Redis stores them: no sign but '-', no leading zero, no spaces. */
    static long parse(byte[] text) throws NotAnInteger {
        int n = text.length;
        boolean negative = n > 0 && text[0] == '-';
        int start = negative ? 1 : 0;
        if (n == start || n - start > 19 || (text[start] == '0' && (n - start > 1 || negative))) {
            throw notAnInteger();
        }
        long value = 0;
        try {
            for (int i = start; i < n; i++) {
                int d = text[i] - '0';
                if (d < 0 || d > 9) {
                    throw notAnInteger();
                }
                value = Math.addExact(Math.multiplyExact(value, 10), negative ? -d : d);
            }
        } catch (ArithmeticException e) {
            throw notAnInteger();
        }
        return value;
    }

    private static NotAnInteger notAnInteger() {
        return new NotAnInteger("value is not an integer or out of range");
    }
}
