package dev.herd.handler.bridge;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link OutboundStream} alone: the test plays the loop through a {@link Sink} that keeps every
 * chunk until the test says it was written (or not); writers that block run on threads of their
 * own. Every chunk handed over must be released by the time a test ends.
 */
class OutboundStreamTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int CHUNK = OutboundStream.CHUNK;

    private final Sink sink = new Sink();

    @AfterEach
    void everyChunkIsReleased() {
        sink.failAll();
        assertThat(List.copyOf(sink.all)).allSatisfy(b -> assertThat(b.refCnt()).as("refCnt of a chunk handed over").isZero());
    }

    // ---- gathering ----

    record GatherCase(String name, List<String> writes, List<Integer> chunks, int ends) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<GatherCase> gatherCases() {
        return Stream.of(
                new GatherCase("small writes gather until a flush", List.of("3", "4", "flush"), List.of(7), 0),
                new GatherCase("single bytes gather too", List.of("byte", "byte", "byte", "flush"), List.of(3), 0),
                new GatherCase("a full chunk goes without a flush", List.of(str(CHUNK - 1), "2"), List.of(CHUNK), 0),
                new GatherCase("the rest goes with the flush", List.of(str(CHUNK - 1), "2", "flush"),
                        List.of(CHUNK, 1), 0),
                new GatherCase("a write of a chunk or more goes alone, after what was gathered",
                        List.of("3", str(CHUNK), "2", str(3 * CHUNK), "flush"), List.of(3, CHUNK, 2, 3 * CHUNK), 0),
                new GatherCase("a flush with nothing gathered sends nothing", List.of("flush", "flush"), List.of(), 0),
                new GatherCase("closing sends what is gathered, then ends", List.of("5", "close"), List.of(5), 1),
                new GatherCase("closing twice ends once", List.of("close", "close"), List.of(), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gatherCases")
    void writesGatherInChunksAndKeepTheirOrder(GatherCase c) throws IOException {
        OutboundStream out = new OutboundStream(sink, new WaterMarks(Integer.MAX_VALUE, 0));
        byte next = 0;
        for (String write : c.writes()) {
            switch (write) {
                case "flush" -> out.flush();
                case "close" -> out.close();
                case "byte" -> {
                    out.write(next++);
                }
                default -> {
                    byte[] bytes = new byte[Integer.parseInt(write)];
                    for (int i = 0; i < bytes.length; i++) {
                        bytes[i] = next++;
                    }
                    out.write(bytes);
                }
            }
        }
        assertThat(sink.all).map(ByteBuf::readableBytes).containsExactlyElementsOf(c.chunks());
        byte expected = 0;
        for (ByteBuf chunk : sink.all) {
            for (int i = chunk.readerIndex(); i < chunk.writerIndex(); i++) {
                assertThat(chunk.getByte(i)).as("byte %d in order", i).isEqualTo(expected++);
            }
        }
        assertThat(out.pending()).isEqualTo(c.chunks().stream().mapToInt(Integer::intValue).sum());
        assertThat(sink.ends).isEqualTo(c.ends());
    }

    // ---- backpressure ----

    @Test
    void aWriterWaitsWhileAChunkWouldPassTheHighMarkAndGoesOnAtTheLowMark() throws Exception {
        OutboundStream out = new OutboundStream(sink, new WaterMarks(16, 4));
        send(out, 6);
        send(out, 6);
        assertThat(out.pending()).isEqualTo(12);

        Writer writer = Writer.start(() -> send(out, 6));
        writer.awaitBlocked();

        sink.written(0);
        assertThat(out.pending()).as("6 still on their way, over the low mark").isEqualTo(6);
        writer.awaitBlocked();

        sink.written(1);
        assertThat(writer.outcome()).as("on at the low mark").isNull();
        assertThat(out.pending()).isEqualTo(6);
        assertThat(sink.all).hasSize(3);
    }

    @Test
    void aWriteLargerThanTheHighMarkGoesOnceNothingElseIsOnItsWay() throws Exception {
        OutboundStream out = new OutboundStream(sink, new WaterMarks(16, 4));
        send(out, 1);
        Writer writer = Writer.start(() -> send(out, 40));
        writer.awaitBlocked();
        sink.written(0);
        assertThat(writer.outcome()).isNull();
        assertThat(out.pending()).isEqualTo(40);
    }

    /** What the loop (or another thread) does to a blocked writer. */
    @FunctionalInterface
    interface Wake {
        void wake(OutboundStream out, Sink sink, Thread writer);
    }

    record WakeCase(String name, Wake loop, Class<? extends IOException> thrown) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<WakeCase> wakeCases() {
        return Stream.of(
                new WakeCase("a chunk that could not be written", (out, sink, writer) -> sink.failed(0),
                        IOException.class),
                new WakeCase("the connection closing", (out, sink, writer) -> out.connectionClosed(),
                        IOException.class),
                new WakeCase("an interrupt", (out, sink, writer) -> writer.interrupt(),
                        InterruptedIOException.class));
    }

    @ParameterizedTest(name = "a blocked writer wakes and fails on {0}")
    @MethodSource("wakeCases")
    void aBlockedWriterWakesAndFails(WakeCase c) throws Exception {
        OutboundStream out = new OutboundStream(sink, new WaterMarks(16, 4));
        send(out, 12);
        Writer writer = Writer.start(() -> send(out, 12));
        writer.awaitBlocked();
        c.loop().wake(out, sink, writer.thread());
        assertThat(writer.outcome()).isExactlyInstanceOf(c.thrown());
        assertThat(sink.all).as("nothing more handed over").hasSize(1);
    }

    // ---- the end ----

    @Test
    void aStreamWhoseConnectionClosedFailsWritesAndIsCutOnClose() throws IOException {
        OutboundStream out = new OutboundStream(sink, new WaterMarks(16, 4));
        out.write(new byte[3]);
        out.connectionClosed();
        assertThatThrownBy(() -> out.write(1)).hasMessage("connection closed");
        assertThatThrownBy(out::flush).hasMessage("connection closed");
        assertThatThrownBy(out::close).hasMessage("connection closed");
        out.close();
        assertThat(sink.all).as("what was gathered is dropped").isEmpty();
        assertThat(List.of(sink.ends, sink.cuts)).containsExactly(0, 1);
    }

    @Test
    void aChunkTheLoopRefusesFailsItsWriteAtOnce() {
        sink.refuse = true;
        OutboundStream out = new OutboundStream(sink, new WaterMarks(16, 4));
        assertThatThrownBy(() -> send(out, 3)).hasMessage("connection closed");
        assertThat(out.pending()).isZero();
    }

    @Test
    void aClosedStreamRefusesWrites() throws IOException {
        OutboundStream out = new OutboundStream(sink, new WaterMarks(16, 4));
        out.close();
        assertThatThrownBy(() -> out.write(1)).hasMessage("stream closed");
        assertThatThrownBy(out::flush).hasMessage("stream closed");
    }

    /** A protocol's rules on top: at most 4 bytes, exactly 4 to end whole; "x" counted but never sent. */
    private static final class Exactly4 extends OutboundStream {
        private int written;

        Exactly4(Sink sink) {
            super(sink, new WaterMarks(16, 4));
        }

        @Override
        protected boolean admit(int n) throws IOException {
            if (written + n > 4) {
                throw new IOException("over 4");
            }
            written += n;
            return n != 1;
        }

        @Override
        protected void checkWhole() throws IOException {
            if (written < 4) {
                throw new IOException("short of 4");
            }
        }
    }

    @Test
    void aSubclassRefusesBytesCountsOthersWithoutSendingThemAndCutsAStreamThatIsNotWhole() throws IOException {
        OutboundStream out = new Exactly4(sink);
        out.write(new byte[2]);
        out.write('x');
        assertThatThrownBy(() -> out.write(new byte[2])).hasMessage("over 4");
        assertThatThrownBy(out::close).hasMessage("short of 4");
        assertThat(sink.all).as("the bytes that went, before the cut").map(ByteBuf::readableBytes).containsExactly(2);
        assertThat(List.of(sink.ends, sink.cuts)).containsExactly(0, 1);
    }

    @Test
    void aSubclassStreamThatIsWholeEnds() throws IOException {
        OutboundStream out = new Exactly4(sink);
        out.write(new byte[3]);
        out.write('x');
        out.close();
        assertThat(sink.all).map(ByteBuf::readableBytes).containsExactly(3);
        assertThat(List.of(sink.ends, sink.cuts)).containsExactly(1, 0);
    }

    // ---- helpers ----

    private static String str(int n) {
        return Integer.toString(n);
    }

    private static void send(OutboundStream out, int n) throws IOException {
        out.write(new byte[n]);
        out.flush();
    }

    /** The loop's side: keeps each chunk until the test reports it written or failed, then releases it. */
    static final class Sink implements OutboundStream.Sink {
        final List<ByteBuf> all = new ArrayList<>();
        final List<Consumer<Boolean>> reports = new ArrayList<>();
        volatile boolean refuse;
        int ends;
        int cuts;

        @Override
        public synchronized void chunk(ByteBuf bytes, Consumer<Boolean> sent) {
            if (refuse) {
                bytes.release();
                sent.accept(false);
                return;
            }
            all.add(bytes);
            reports.add(sent);
        }

        @Override
        public synchronized void end() {
            ends++;
        }

        @Override
        public synchronized void cut() {
            cuts++;
        }

        void written(int i) {
            report(i, true);
        }

        void failed(int i) {
            report(i, false);
        }

        void failAll() {
            int n;
            synchronized (this) {
                n = all.size();
            }
            for (int i = 0; i < n; i++) {
                report(i, false);
            }
        }

        /** Reports outside the monitor: the report takes the stream's lock, which a writer holds while it hands over. */
        private void report(int i, boolean ok) {
            Consumer<Boolean> sent;
            synchronized (this) {
                ByteBuf chunk = all.get(i);
                if (chunk.refCnt() == 0) {
                    return;
                }
                chunk.release();
                sent = reports.get(i);
            }
            sent.accept(ok);
        }
    }

    @FunctionalInterface
    interface Writing {
        void run() throws IOException;
    }

    /** A thread writing: its outcome is null, or what it threw. */
    record Writer(Thread thread, CompletableFuture<Throwable> result) {
        static Writer start(Writing writing) {
            CompletableFuture<Throwable> result = new CompletableFuture<>();
            Thread thread = Thread.ofVirtual().start(() -> {
                try {
                    writing.run();
                    result.complete(null);
                } catch (Throwable e) {
                    result.complete(e);
                }
            });
            return new Writer(thread, result);
        }

        void awaitBlocked() {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!InboundStreamTest.parkedIn(thread, OutboundStream.class)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("the writer never blocked");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertThat(result).as("still writing").isNotDone();
        }

        Throwable outcome() throws Exception {
            return result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
