package dev.herd.examples.redis;

import dev.herd.api.TcpApp;
import dev.herd.api.TcpConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The same Redis subset as {@link RedisApp}, in blocking style: each connection on a virtual
 * thread of its own, reading its input stream and writing its output stream. It is the shape to
 * start from when a command must block (a database call, a file).
 *
 * <p>Replies are flushed when no more input is waiting, so that a pipeline of commands is
 * answered in one write. When the handler drains, the connection ends at the next command
 * boundary with nothing left to read; for a client idle at that moment, herd ends the input (the
 * read returns -1) once it has sent nothing for a second.
 */
public final class BlockingRedisApp implements TcpApp {
    private final Keyspace keyspace = new Keyspace();

    @Override
    public void serve(TcpConnection connection) throws IOException {
        RedisSession session = new RedisSession(keyspace);
        InputStream in = connection.input();
        OutputStream out = connection.output();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while (!session.closing() && (n = in.read(buffer)) > 0) {
            session.feed(ByteBuffer.wrap(buffer, 0, n));
            Replies replies = session.replies();
            out.write(replies.array(), 0, replies.size());
            replies.clear();
            if (in.available() == 0) {
                out.flush();
                if (connection.draining() && session.atBoundary()) {
                    return;
                }
            }
        }
        // Returning sends what is written, then closes the connection.
    }
}
