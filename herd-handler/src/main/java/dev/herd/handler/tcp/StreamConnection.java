package dev.herd.handler.tcp;

import dev.herd.api.HandlerContext;
import dev.herd.api.TcpConnection;
import dev.herd.handler.bridge.OutboundStream;

import java.net.SocketAddress;

/** The {@link TcpConnection} a {@code TcpApp} is given: the two streams and what the connection knows. */
final class StreamConnection implements TcpConnection {
    private final ConnectionInput input;
    private final OutboundStream output;
    private final SocketAddress remote;
    private final SocketAddress local;
    private final HandlerContext handler;
    private volatile boolean draining;

    StreamConnection(ConnectionInput input, OutboundStream output, SocketAddress remote, SocketAddress local,
                     HandlerContext handler) {
        this.input = input;
        this.output = output;
        this.remote = remote;
        this.local = local;
        this.handler = handler;
    }

    @Override
    public ConnectionInput input() {
        return input;
    }

    @Override
    public OutboundStream output() {
        return output;
    }

    @Override
    public boolean draining() {
        return draining;
    }

    /** Called on the loop when the handler drains. */
    void drain() {
        draining = true;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public HandlerContext handler() {
        return handler;
    }

    @Override
    public String toString() {
        return "connection from " + remote;
    }
}
