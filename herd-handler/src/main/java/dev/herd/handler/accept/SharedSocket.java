package dev.herd.handler.accept;

import dev.herd.config.Settings.Accept;
import dev.herd.config.Settings.Transport;
import dev.herd.os.OsException;
import dev.herd.os.Posix;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * The listening socket every handler shares, as this handler's event loops use it.
 *
 * @param transport  the loops' I/O ({@code --transport})
 * @param accept     how loops are told of a pending connection ({@code --accept})
 * @param channel    the JDK's channel over the socket (what the NIO transport polls)
 * @param fd         the socket's descriptor (what the native transport polls)
 * @param unixDomain whether it is a Unix-domain socket rather than TCP
 */
public record SharedSocket(Transport transport, Accept accept, ServerSocketChannel channel, int fd,
                           boolean unixDomain) {

    /** The socket over {@code channel}, whose descriptor is {@code fd}; checks that the transport can run here. */
    public static SharedSocket of(Transport transport, Accept accept, ServerSocketChannel channel, int fd)
            throws IOException {
        if (transport == Transport.EPOLL && !Epoll.isAvailable()) {
            throw new IOException("--transport epoll: Netty's native epoll is not available here ("
                    + Epoll.unavailabilityCause() + "); use --transport nio");
        }
        return new SharedSocket(transport, accept, channel, fd,
                channel.getLocalAddress() instanceof UnixDomainSocketAddress);
    }

    /**
     * A socket of another {@code --bind} address, handed over as descriptor {@code fd} (3 and up):
     * the native transport's alone, since the JDK makes a channel of standard input only.
     */
    public static SharedSocket ofDescriptor(Transport transport, Accept accept, int fd) throws IOException {
        if (transport != Transport.EPOLL) {
            throw new IOException("several listening sockets need --transport epoll");
        }
        boolean unixDomain;
        try {
            unixDomain = Posix.intOption(fd, Posix.SOL_SOCKET, Posix.SO_DOMAIN) == Posix.AF_UNIX;
        } catch (dev.herd.os.OsException e) {
            throw new IOException("descriptor " + fd + " is not a listening socket: " + e.reason(), e);
        }
        return new SharedSocket(transport, accept, null, fd, unixDomain);
    }

    public SharedSocket {
        if (accept == Accept.EXCLUSIVE && transport != Transport.EPOLL) {
            throw new IllegalArgumentException("--accept exclusive needs --transport epoll");
        }
    }

    /** The I/O handlers of the event loops that watch this socket. */
    public IoHandlerFactory ioHandlers() {
        return switch (transport) {
            case NIO -> NioIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
        };
    }

    /** For the log: "the shared socket", or this handler's own socket of an SO_REUSEPORT group. */
    public String describe() {
        return accept == Accept.REUSEPORT ? "its own socket of the SO_REUSEPORT group" : "the shared socket";
    }

    /**
     * Drops this process's descriptor of the socket, once no loop watches it: the descriptor
     * number is pointed at a fresh unconnected socket, so that it stays taken. Not
     * {@code channel.close()}: the JDK closes an inherited channel by pointing the standard streams
     * at /dev/null, and the handler's last log lines (its stop hook, "stopped") would be lost.
     */
    public void release() {
        try {
            int placeholder = Posix.socket(Posix.AF_UNIX, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC);
            try {
                Posix.dup2(placeholder, fd);
            } finally {
                Posix.close(placeholder);
            }
        } catch (OsException e) {
            // Nothing is lost: the descriptor goes with the process, which is about to exit.
            System.getLogger(SharedSocket.class.getName()).log(System.Logger.Level.DEBUG,
                    "keeping the listening socket's descriptor until exit: " + e.getMessage());
        }
    }

    /** A new registration of the socket for one loop, which calls {@code onPending} when a connection may be pending. */
    Listener listener(Runnable onPending) {
        return switch (transport) {
            case NIO -> new NioListener(channel, unixDomain, onPending);
            case EPOLL -> new EpollListener(fd, unixDomain, accept == Accept.EXCLUSIVE, onPending);
        };
    }
}
