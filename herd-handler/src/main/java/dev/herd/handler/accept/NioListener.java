package dev.herd.handler.accept;

import io.netty.channel.Channel;
import io.netty.channel.IoHandle;
import io.netty.channel.IoOps;
import io.netty.channel.nio.NioIoOps;
import io.netty.channel.nio.NioSelectableChannelIoHandle;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** The shared socket on a loop of Netty's NIO transport: the JDK channel over it, in the loop's selector. */
final class NioListener implements Listener {
    private final ServerSocketChannel socket;
    private final boolean unixDomain;
    private final Handle handle;

    NioListener(ServerSocketChannel socket, boolean unixDomain, Runnable onPending) {
        this.socket = socket;
        this.unixDomain = unixDomain;
        this.handle = new Handle(socket, onPending);
    }

    @Override
    public IoHandle handle() {
        return handle;
    }

    @Override
    public IoOps accepting() {
        return NioIoOps.ACCEPT;
    }

    @Override
    public IoOps paused() {
        return NioIoOps.NONE;
    }

    @Override
    public Channel accept() throws IOException {
        SocketChannel accepted = socket.accept();
        if (accepted == null) {
            return null;
        }
        return unixDomain ? new NioDomainSocketChannel(null, accepted) : new NioSocketChannel(null, accepted);
    }

    private static final class Handle extends NioSelectableChannelIoHandle<ServerSocketChannel> {
        private final Runnable onPending;

        Handle(ServerSocketChannel socket, Runnable onPending) {
            super(socket);
            this.onPending = onPending;
        }

        @Override
        protected void handle(ServerSocketChannel socket, SelectionKey key) {
            onPending.run();
        }

        /** The socket is shared with every other loop and handler: never close it here. */
        @Override
        public void close() {
        }
    }
}
