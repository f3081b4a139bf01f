package dev.herd.handler.warmup;

import dev.herd.config.Address;
import dev.herd.config.Settings.Accept;
import dev.herd.config.Settings.Transport;
import dev.herd.handler.accept.SharedSocket;
import dev.herd.os.ListeningSocket;
import dev.herd.os.OsException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listening socket of this handler alone, made like the shared one (the same transport, accept
 * strategy and address family) so that warming it warms the path clients take; TCP sockets bind
 * to loopback, Unix-domain ones to a file of their own under the temporary directory.
 *
 * @param socket  the socket as the event loops watch it
 * @param address where the warm-up's clients connect
 */
record PrivateSocket(SharedSocket socket, SocketAddress address, Closer closer) implements AutoCloseable {
    private static final int BACKLOG = 128;

    /** Closes what {@link #open} made. */
    @FunctionalInterface
    interface Closer {
        void close() throws IOException;
    }

    /** A new socket like {@code shared}. */
    static PrivateSocket like(SharedSocket shared) throws IOException {
        boolean unix = shared.unixDomain();
        Path file = unix ? Path.of(System.getProperty("java.io.tmpdir"),
                "herd-warmup-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".sock") : null;
        return switch (shared.transport()) {
            case EPOLL -> {
                ListeningSocket listening;
                try {
                    listening = ListeningSocket.bind(unix ? new Address.Unix(file)
                            : new Address.Inet(InetAddress.getLoopbackAddress(), 0), BACKLOG);
                } catch (OsException e) {
                    throw new IOException(e.getMessage(), e);
                }
                SocketAddress address = unix ? UnixDomainSocketAddress.of(file) : listening.inetAddress().orElseThrow();
                yield new PrivateSocket(new SharedSocket(Transport.EPOLL, shared.accept(), null, listening.fd(), unix),
                        address, listening::close);
            }
            case NIO -> {
                ServerSocketChannel channel = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                        : ServerSocketChannel.open();
                try {
                    channel.bind(unix ? UnixDomainSocketAddress.of(file)
                            : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
                    channel.configureBlocking(false);
                } catch (IOException e) {
                    channel.close();
                    throw e;
                }
                yield new PrivateSocket(new SharedSocket(Transport.NIO, Accept.HERD, channel, -1, unix),
                        channel.getLocalAddress(), () -> {
                            channel.close();
                            if (file != null) {
                                Files.deleteIfExists(file);
                            }
                        });
            }
        };
    }

    @Override
    public void close() throws IOException {
        closer.close();
    }
}
