package dev.herd.handler.accept;

import io.netty.channel.Channel;
import io.netty.channel.IoEvent;
import io.netty.channel.IoHandle;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;

import java.io.IOException;

/**
 * The shared socket on a loop of Netty's native epoll transport: its descriptor in the loop's
 * epoll set, accepted with {@code accept4} (non-blocking, close-on-exec) into an
 * {@link EpollSocketChannel} of the same loop.
 */
final class EpollListener implements Listener, EpollIoHandle {
    /**
     * The interest while paused. Given no interest at all, Netty's registration removes the
     * descriptor from the epoll set yet keeps thinking it is there, and the next interest fails;
     * so "none" is an event a listening socket never raises: a peer's half-close.
     */
    private static final IoOps PAUSED = EpollIoOps.EPOLLRDHUP;

    private final Socket socket;
    private final boolean unixDomain;
    private final Runnable onPending;
    /** Where {@code accept4} writes the peer's address; the channel asks the kernel again, so it is not read. */
    private final byte[] peer = new byte[25];

    EpollListener(int fd, boolean unixDomain, Runnable onPending) {
        this.socket = new Socket(fd);
        this.unixDomain = unixDomain;
        this.onPending = onPending;
    }

    @Override
    public IoHandle handle() {
        return this;
    }

    @Override
    public IoOps accepting() {
        return EpollIoOps.EPOLLIN;
    }

    @Override
    public IoOps paused() {
        return PAUSED;
    }

    @Override
    public Channel accept() throws IOException {
        int fd = socket.accept(peer);
        if (fd < 0) {
            return null;
        }
        return unixDomain ? new EpollDomainSocketChannel(fd) : new EpollSocketChannel(fd);
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        onPending.run();
    }

    /** The socket is shared with every other loop and handler: never close it here. */
    @Override
    public void close() {
    }
}
