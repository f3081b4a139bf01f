package dev.herd.examples.redis;

import dev.herd.api.AsyncTcpApp;
import dev.herd.api.HandlerContext;
import dev.herd.api.TcpChannel;
import dev.herd.api.TcpHandler;

import java.nio.ByteBuffer;

/**
 * A small Redis server (see {@link RedisSession} for the commands) in event style: each
 * connection's bytes are parsed as they arrive, on the event loop, and the replies to everything a
 * read brought in (a whole pipeline, often) leave in one write. Every handler process has its own
 * in-memory {@link Keyspace}.
 *
 * <pre>
 * ./herd serve --protocol tcp --bind 127.0.0.1:6380 --app dev.herd.examples.redis.RedisApp \
 *     --classpath examples/redis/target/redis.jar
 * redis-cli -p 6380 SET greeting hello
 * </pre>
 *
 * <p>When the handler drains (stop, reload, scale-down), a connection between commands is closed
 * at once and one in the middle of a command after its reply: clients reconnect, and reach a
 * handler that still serves.
 */
public final class RedisApp implements AsyncTcpApp {
    private final Keyspace keyspace = new Keyspace();

    @Override
    public TcpHandler open(TcpChannel channel) {
        return new Connection(channel, new RedisSession(keyspace));
    }

    /** Nothing is persisted: the handler's keys go with it (the log says how many). */
    @Override
    public void stop(HandlerContext context) {
        System.getLogger(RedisApp.class.getName()).log(System.Logger.Level.INFO,
                "redis example: handler " + context.slot() + " drains, dropping its " + keyspace.size() + " keys");
    }

    private static final class Connection implements TcpHandler {
        private final TcpChannel channel;
        private final RedisSession session;
        private boolean draining;

        Connection(TcpChannel channel, RedisSession session) {
            this.channel = channel;
            this.session = session;
        }

        @Override
        public void onData(ByteBuffer data) {
            session.feed(data);
            Replies replies = session.replies();
            if (replies.size() > 0) {
                channel.write(replies.buffer());
                replies.clear();
                channel.flush();
            }
            if (session.closing() || (draining && session.atBoundary())) {
                channel.close();
            }
        }

        @Override
        public void onDrain() {
            draining = true;
            if (session.atBoundary()) {
                channel.close();
            }
        }
    }
}
