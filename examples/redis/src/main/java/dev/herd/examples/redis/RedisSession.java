package dev.herd.examples.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One client's conversation, whatever the I/O style: bytes in ({@link #feed}), replies out
 * ({@link #replies()}), and whether the connection is to end ({@link #closing()}: after QUIT or a
 * protocol error, once the replies are sent).
 *
 * <p>Commands: PING [message], ECHO message, SET key value, GET key, DEL key..., EXISTS key...,
 * INCR key, QUIT, CONFIG GET parameter (what redis-benchmark asks at start: {@code save} and
 * {@code appendonly}, answered as this server behaves, nothing saved; any other parameter, an
 * empty array), COMMAND (an empty array: no command table to offer). Anything else gets
 * {@code -ERR unknown command}.
 */
public final class RedisSession implements RespParser.Listener {
    /** Longest argument accepted (Redis allows 512 MB; a handler's heap is small). */
    static final int MAX_BULK = 16 * 1024 * 1024;

    private static final byte[] PING = upper("PING");
    private static final byte[] ECHO = upper("ECHO");
    private static final byte[] SET = upper("SET");
    private static final byte[] GET = upper("GET");
    private static final byte[] DEL = upper("DEL");
    private static final byte[] EXISTS = upper("EXISTS");
    private static final byte[] INCR = upper("INCR");
    private static final byte[] QUIT = upper("QUIT");
    private static final byte[] CONFIG = upper("CONFIG");
    private static final byte[] COMMAND = upper("COMMAND");
    private static final byte[] SAVE = upper("SAVE");
    private static final byte[] APPENDONLY = upper("APPENDONLY");

    private final Keyspace keyspace;
    private final RespParser parser = new RespParser(this, MAX_BULK);
    private final Replies replies = new Replies();
    private boolean closing;

    public RedisSession(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** Parses and runs every whole command in {@code bytes}; their replies gather in {@link #replies()}. */
    public void feed(ByteBuffer bytes) {
        parser.feed(bytes);
    }

    public Replies replies() {
        return replies;
    }

    /** QUIT or malformed input: send the replies, then close. */
    public boolean closing() {
        return closing;
    }

    /** No command is partly received: closing now cuts nothing short. */
    public boolean atBoundary() {
        return parser.atBoundary();
    }

    @Override
    public void command(byte[][] args, int count) {
        if (closing) {
            // Pipelined after QUIT: Redis ignores them too.
            return;
        }
        byte[] name = args[0];
        if (is(name, GET)) {
            if (arity(args, count, 2)) {
                byte[] value = keyspace.get(args[1]);
                if (value == null) {
                    replies.nullBulk();
                } else {
                    replies.bulk(value);
                }
            }
        } else if (is(name, SET)) {
            if (count > 3) {
                // NX, EX and friends are not supported.
                replies.error("ERR syntax error");
            } else if (arity(args, count, 3)) {
                keyspace.set(args[1], args[2]);
                replies.status("OK");
            }
        } else if (is(name, PING)) {
            if (count == 1) {
                replies.status("PONG");
            } else if (arity(args, count, 2)) {
                replies.bulk(args[1]);
            }
        } else if (is(name, ECHO)) {
            if (arity(args, count, 2)) {
                replies.bulk(args[1]);
            }
        } else if (is(name, INCR)) {
            if (arity(args, count, 2)) {
                try {
                    replies.integer(keyspace.increment(args[1]));
                } catch (Keyspace.NotAnInteger e) {
                    replies.error("ERR " + e.getMessage());
                }
            }
        } else if (is(name, DEL) || is(name, EXISTS)) {
            if (count < 2) {
                wrongArity(name);
            } else {
                boolean delete = is(name, DEL);
                long n = 0;
                for (int i = 1; i < count; i++) {
                    n += (delete ? keyspace.delete(args[i]) : keyspace.exists(args[i])) ? 1 : 0;
                }
                replies.integer(n);
            }
        } else if (is(name, QUIT)) {
            replies.status("OK");
            closing = true;
        } else if (is(name, CONFIG)) {
            config(args, count);
        } else if (is(name, COMMAND)) {
            replies.array(0);
        } else {
            replies.error("ERR unknown command '" + text(name) + "'");
        }
    }

    @Override
    public void protocolError(String message) {
        replies.error("ERR Protocol error: " + message);
        closing = true;
    }

    private void config(byte[][] args, int count) {
        if (count != 3 || !is(args[1], GET)) {
            replies.error("ERR unknown or unsupported CONFIG subcommand (only CONFIG GET parameter)");
            return;
        }
        byte[] parameter = args[2];
        if (is(parameter, SAVE)) {
            replies.array(2).bulk(parameter).bulk(new byte[0]);
        } else if (is(parameter, APPENDONLY)) {
            replies.array(2).bulk(parameter).bulk("no".getBytes(StandardCharsets.US_ASCII));
        } else {
            replies.array(0);
        }
    }

    private boolean arity(byte[][] args, int count, int wanted) {
        if (count != wanted) {
            wrongArity(args[0]);
            return false;
        }
        return true;
    }

    private void wrongArity(byte[] name) {
        replies.error("ERR wrong number of arguments for '" + text(name).toLowerCase(java.util.Locale.ROOT) + "' command");
    }

    /** Whether {@code arg} is {@code upperName} in any case: compared in place, nothing allocated. */
    static boolean is(byte[] arg, byte[] upperName) {
        if (arg.length != upperName.length) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            // Clearing bit 5 upper-cases an ASCII letter; names hold letters only, so nothing else can match.
            if ((arg[i] & 0xDF) != upperName[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] upper(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** A name for an error message: printable, and short. */
    private static String text(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 128); i++) {
            int c = bytes[i] & 0xff;
            s.append(c >= 0x20 && c < 0x7f && c != '\'' ? (char) c : '?');
        }
        return s.toString();
    }
}
