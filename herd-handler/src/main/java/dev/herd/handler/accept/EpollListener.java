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
 *
 * <p>Exclusive ({@code --accept exclusive}): the socket joins the epoll set with
 * {@code EPOLLEXCLUSIVE}, so the kernel wakes one waiting loop per connection instead of all of
 * them. The kernel refuses to change such an entry, so it pauses by leaving the set.
 */
final class EpollListener implements Listener, EpollIoHandle {
    /**
     * The interest while paused. Given no interest at all, Netty's registration removes the
     * descriptor from the epoll set yet keeps thinking it is there, and the next interest fails;
     * so "none" is an event a listening socket never raises: a peer's half-close.
     */
    private static final IoOps PAUSED = EpollIoOps.EPOLLRDHUP;
    /** Linux's {@code EPOLLEXCLUSIVE} (since 4.5), which Netty does not name. */
    private static final int EPOLLEXCLUSIVE = 1 << 28;
    private static final IoOps EXCLUSIVE_ACCEPTING = EpollIoOps.valueOf(EpollIoOps.EPOLLIN.value() | EPOLLEXCLUSIVE);

    private final Socket socket;
    private final boolean unixDomain;
    private final boolean exclusive;
    private final Runnable onPending;
    /** Where {@code accept4} writes the peer's address; the channel asks the kernel again, so it is not read. */
    private final byte[] peer = new byte[25];

    EpollListener(int fd, boolean unixDomain, boolean exclusive, Runnable onPending) {
        this.socket = new Socket(fd);
        this.unixDomain = unixDomain;
        this.exclusive = exclusive;
        this.onPending = onPending;
    }

    @Override
    public IoHandle handle() {
        return this;
    }

    @Override
    public IoOps accepting() {
        return exclusive ? EXCLUSIVE_ACCEPTING : EpollIoOps.EPOLLIN;
    }

    /** Exclusive: no interest, which leaves a registration that never joined the set as it is. */
    @Override
    public IoOps paused() {
        return exclusive ? EpollIoOps.NONE : PAUSED;
    }

    @Override
    public boolean pausesByLeaving() {
        return exclusive;
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
