package dev.herd.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * One client's persistent HTTP/1.1 connection, kept as a browser or a proxy's upstream pool keeps
 * one: requests one after the other on it, and a new connection once the server ends it, either by
 * answering {@code Connection: close} or by closing it while it was idle. The client looks for the
 * latter before it sends (a read that does not wait finds the end of the stream), so a request is
 * never lost to it; a connection the server ends any other way fails the request in flight.
 */
public final class KeepAliveConnection implements AutoCloseable {
    private final SocketAddress address;
    private final LongAdder opened;
    private final LongAdder idleCloses;
    private SocketChannel channel;
    private InputStream in;

    /**
     * @param opened     counts the connections this client opens
     * @param idleCloses counts those it found closed by the server between requests
     */
    KeepAliveConnection(SocketAddress address, LongAdder opened, LongAdder idleCloses) {
        this.address = address;
        this.opened = opened;
        this.idleCloses = idleCloses;
    }

    /** A connection to {@code address}, opened at the first request. */
    public KeepAliveConnection(SocketAddress address) {
        this(address, new LongAdder(), new LongAdder());
    }

    /** Sends {@code GET target} and reads its answer; on any failure the connection is dropped. */
    public HttpProbe.Reply get(String target) throws IOException {
        try {
            if (closedByServer()) {
                idleCloses.increment();
                close();
            }
            if (channel == null) {
                channel = SocketChannel.open(address);
                in = new BufferedInputStream(Channels.newInputStream(channel));
                opened.increment();
            }
            ByteBuffer request = ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: herd\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            Optional<HttpProbe.Reply> reply = HttpProbe.read(in);
            if (reply.isEmpty()) {
                throw new IOException("the server closed the connection without answering GET " + target);
            }
            if (reply.get().closes()) {
                close();
            }
            return reply.get();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Whether the server closed the connection since its last response (false without a connection). */
    boolean closedByServer() throws IOException {
        if (channel == null) {
            return false;
        }
        if (in.available() > 0) {
            throw new IOException("the server sent bytes after its response");
        }
        channel.configureBlocking(false);
        try {
            int read = channel.read(ByteBuffer.allocate(1));
            if (read > 0) {
                throw new IOException("the server sent bytes after its response");
            }
            return read < 0;
        } finally {
            channel.configureBlocking(true);
        }
    }

    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing more will be read from it.
        }
        channel = null;
        in = null;
    }
}
