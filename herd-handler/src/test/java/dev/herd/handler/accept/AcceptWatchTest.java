package dev.herd.handler.accept;

import dev.herd.config.Address;
import dev.herd.config.Settings.Accept;
import dev.herd.config.Settings.Transport;
import dev.herd.os.ListeningSocket;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotSnapshot;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two event loops watching one listening socket, on each transport and accept strategy: every
 * connection is accepted by one of them, becomes a channel of that transport served on the loop
 * that won, and is counted on that loop's scoreboard line; a paused or stopped watch leaves
 * connections queued for others, and a paused one takes them once it resumes.
 */
class AcceptWatchTest {
    private static final int LOOPS = 2;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Scoreboard board = Scoreboard.create(1, LOOPS);
    private final Scoreboard.SlotWriter slot = board.writer(0, LOOPS);
    /** Each accepted channel and the loop whose watch accepted it. */
    private final Map<Channel, IoEventLoop> accepted = new ConcurrentHashMap<>();
    private MultiThreadIoEventLoopGroup group;
    private InetSocketAddress address;
    /** Open connections per loop over the pool, as the scoreboard would say. */
    private volatile double meanOfReadyLoops = 100;
    /** The handler's open connections and their limit, as the watches see them. */
    private volatile int handlerOpen;
    private long maxConnections;

    /** A transport and an accept strategy that go together. */
    record Way(Transport transport, Accept accept) {
    }

    static Stream<Way> ways() {
        return Stream.of(new Way(Transport.NIO, Accept.HERD), new Way(Transport.EPOLL, Accept.HERD),
                new Way(Transport.EPOLL, Accept.EXCLUSIVE));
    }

    AcceptWatchTest() {
        slot.begin(ProcessHandle.current().pid(), 1, 0);
    }

    @AfterEach
    void close() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
        board.close();
    }

    @ParameterizedTest
    @MethodSource("ways")
    void everyConnectionIsServedByTheLoopThatAcceptedIt(Way way) throws Exception {
        List<AcceptWatch> watches = watching(way, true);

        for (int i = 0; i < 20; i++) {
            assertThat(greeting()).isEqualTo("hello");
        }

        Class<?> expected = way.transport() == Transport.EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
        assertThat(accepted).hasSize(20);
        accepted.forEach((channel, loop) -> {
            assertThat(channel).isInstanceOf(expected);
            assertThat(channel.eventLoop()).isSameAs(loop);
        });
        SlotSnapshot counts = board.read(0);
        assertThat(counts.acceptsWon()).isEqualTo(20);
        assertThat(counts.acceptErrors()).isZero();
        assertThat(watches).hasSize(LOOPS);
    }

    @ParameterizedTest
    @MethodSource("ways")
    void aWatchOnStandbyAcceptsOnlyOnceToldToWatch(Way way) throws Exception {
        List<AcceptWatch> watches = watching(way, false);
        try (Socket client = new Socket()) {
            client.connect(address, 5_000);
            client.setSoTimeout(5_000);
            // Queued in the kernel: nobody watches yet, and nothing is taken.
            pollEveryLoop(watches);
            assertThat(accepted).isEmpty();

            watches.getFirst().watch();
            assertThat(read(client)).isEqualTo("hello");
        }
    }

    @ParameterizedTest
    @MethodSource("ways")
    void connectionsQueuedWhileEveryWatchIsStoppedWaitForTheNextWatcher(Way way) throws Exception {
        List<AcceptWatch> watches = watching(way, true);
        for (AcceptWatch watch : watches) {
            watch.stop().syncUninterruptibly();
        }
        try (Socket client = new Socket()) {
            client.connect(address, 5_000);
            client.setSoTimeout(5_000);
            pollEveryLoop(watches);
            assertThat(accepted).isEmpty();

            // A handler that stops leaves the connection to the next one: nothing queued is lost.
            newWatch((IoEventLoop) group.next(), 0).register(true).syncUninterruptibly();
            assertThat(read(client)).isEqualTo("hello");
        }
    }

    @ParameterizedTest
    @MethodSource("ways")
    void aWatchOverItsFairSharePausesAndTakesConnectionsOnceItResumes(Way way) throws Exception {
        List<AcceptWatch> watches = watching(way, true);
        // The first loop holds more than its share; the second one is not watching.
        watches.getLast().stop().syncUninterruptibly();
        for (int i = 0; i < 5; i++) {
            slot.loop(0).connectionOpened();
        }
        meanOfReadyLoops = 0;
        try (Socket client = new Socket()) {
            client.connect(address, 5_000);
            client.setSoTimeout(5_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (board.read(0).acceptsDeferred() < 3) {
                assertThat(System.nanoTime()).as("deferring the pending connection").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(accepted).isEmpty();

            meanOfReadyLoops = 100;
            assertThat(read(client)).isEqualTo("hello");
        }
    }

    @ParameterizedTest
    @MethodSource("ways")
    void aHandlerAtItsConnectionLimitLeavesNewConnectionsQueued(Way way) throws Exception {
        maxConnections = 3;
        handlerOpen = 3;
        watching(way, true);
        try (Socket client = new Socket()) {
            client.connect(address, 5_000);
            client.setSoTimeout(5_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (board.read(0).acceptsDeferred() < 3) {
                assertThat(System.nanoTime()).as("leaving the pending connection queued").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(accepted).isEmpty();

            handlerOpen = 2;
            assertThat(read(client)).isEqualTo("hello");
        }
    }

    /**
     * Lets every loop poll its I/O twice: a loop woken for a task first handles what its poll
     * found ready, so a watch that would accept a queued connection has done so by then.
     */
    private static void pollEveryLoop(List<AcceptWatch> watches) {
        for (int round = 0; round < 2; round++) {
            for (AcceptWatch watch : watches) {
                watch.loop().submit(() -> { }).syncUninterruptibly();
            }
        }
    }

    /** One watch per loop of a new group on a new socket, registered and watching if {@code watch}. */
    private List<AcceptWatch> watching(Way way, boolean watch) throws IOException {
        SharedSocket socket = socket(way);
        group = new MultiThreadIoEventLoopGroup(LOOPS, socket.ioHandlers());
        List<AcceptWatch> watches = new ArrayList<>();
        int index = 0;
        for (var executor : group) {
            AcceptWatch acceptWatch = newWatch((IoEventLoop) executor, index++);
            acceptWatch.register(watch).syncUninterruptibly();
            watches.add(acceptWatch);
        }
        return watches;
    }

    private SharedSocket shared;

    private SharedSocket socket(Way way) throws IOException {
        shared = switch (way.transport()) {
            case NIO -> {
                ServerSocketChannel channel = ServerSocketChannel.open();
                resources.add(channel);
                channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                channel.configureBlocking(false);
                address = (InetSocketAddress) channel.getLocalAddress();
                yield new SharedSocket(way.transport(), way.accept(), channel, -1, false);
            }
            case EPOLL -> {
                ListeningSocket listening = ListeningSocket.bind(new Address.Inet(InetAddress.getLoopbackAddress(), 0), 16);
                resources.add(listening);
                address = listening.inetAddress().orElseThrow();
                yield new SharedSocket(way.transport(), way.accept(), null, listening.fd(), false);
            }
        };
        return shared;
    }

    /** A watch on {@code loop} whose connections answer "hello" and close. */
    private AcceptWatch newWatch(IoEventLoop loop, int index) {
        return new AcceptWatch(shared, loop, slot.loop(index), channel -> {
            accepted.put(channel, loop);
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            });
            loop.register(channel);
        }, () -> meanOfReadyLoops, new ConnectionLimit(maxConnections, () -> handlerOpen));
    }

    private String greeting() throws IOException {
        try (Socket client = new Socket()) {
            client.connect(address, 5_000);
            client.setSoTimeout(5_000);
            return read(client);
        }
    }

    private static String read(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
}
