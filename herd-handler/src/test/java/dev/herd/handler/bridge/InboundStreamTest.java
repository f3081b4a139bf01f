package dev.herd.handler.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InboundStream} alone: the test thread plays the event loop, a thread of its own the
 * reader. Every buffer a test offers must be released by the time it ends.
 */
class InboundStreamTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final IOException TOO_LARGE = new IOException("too large");

    private final List<ByteBuf> offered = new ArrayList<>();
    private final AtomicInteger resumes = new AtomicInteger();
    private final Turns turns = new Turns();
    private final InboundStream input = new InboundStream(new WaterMarks(8, 4), resumes::incrementAndGet, turns);

    @AfterEach
    void everyBufferIsReleased() {
        input.discard();
        assertThat(offered).allSatisfy(b -> assertThat(b.refCnt()).as("refCnt of an offered buffer").isZero());
    }

    // ---- backpressure ----

    /** One step of the loop or the reader, and what is true after it. */
    record Step(String action, boolean paused, int resumes) {
    }

    record PressureCase(String name, List<Step> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<PressureCase> pressureCases() {
        return Stream.of(
                new PressureCase("up to the high mark, the loop reads on", List.of(
                        new Step("offer 5", false, 0), new Step("offer 3", false, 0))),
                new PressureCase("past the high mark it pauses once, and resumes once at the low mark", List.of(
                        new Step("offer 5", false, 0), new Step("offer 5", true, 0), new Step("offer 2", true, 0),
                        new Step("read 7", true, 0), new Step("read 1", false, 1), new Step("read 4", false, 1))),
                new PressureCase("each pause has its own resume", List.of(
                        new Step("offer 9", true, 0), new Step("read 5", false, 1), new Step("offer 5", true, 1),
                        new Step("read 9", false, 2))),
                new PressureCase("bytes offered while paused do not pause again", List.of(
                        new Step("offer 9", true, 0), new Step("offer 9", true, 0), new Step("read 14", false, 1))),
                new PressureCase("a reader that stops reading resumes a paused loop", List.of(
                        new Step("offer 9", true, 0), new Step("stop", false, 1), new Step("offer 20", false, 1))),
                new PressureCase("a reader that stops reading unpaused resumes nothing", List.of(
                        new Step("offer 3", false, 0), new Step("stop", false, 0))),
                new PressureCase("a discarded input no longer pauses, and resumes nothing: the connection is gone",
                        List.of(new Step("offer 9", true, 0), new Step("discard", false, 0),
                                new Step("offer 20", false, 0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pressureCases")
    void theLoopPausesAboveTheHighMarkAndResumesAtTheLowMarkOnce(PressureCase c) throws IOException {
        for (Step step : c.steps()) {
            boolean pausedBefore = input.paused();
            String[] words = step.action().split(" ");
            switch (words[0]) {
                case "offer" -> assertThat(input.offer(bytes(Integer.parseInt(words[1]))))
                        .as("%s: whether the loop must pause", step.action())
                        .isEqualTo(step.paused() && !pausedBefore);
                case "read" -> assertThat(input.readNBytes(Integer.parseInt(words[1])))
                        .hasSize(Integer.parseInt(words[1]));
                case "stop" -> input.stopReading();
                case "discard" -> input.discard();
                default -> throw new IllegalArgumentException(step.action());
            }
            assertThat(input.paused()).as("paused after %s", step.action()).isEqualTo(step.paused());
            assertThat(resumes).as("resumes after %s", step.action()).hasValue(step.resumes());
        }
    }

    // ---- what a reader reads, and what is released ----

    record ReadCase(String name, Consumer<InboundStreamTest> loop, String read, IOException thrown) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ReadCase> readCases() {
        return Stream.of(
                new ReadCase("what came before the end is read, then -1",
                        t -> t.offerAll("ab", "cd").end(), "abcd", null),
                new ReadCase("what came before a failure is read, then the failure is thrown",
                        t -> t.offerAll("ab").fail(TOO_LARGE, false), "ab", TOO_LARGE),
                new ReadCase("bytes after a failure are dropped",
                        t -> t.offerAll("ab").fail(TOO_LARGE, false).offerAll("cd"), "ab", TOO_LARGE),
                new ReadCase("a failure now drops what was here",
                        t -> t.offerAll("ab").fail(TOO_LARGE, true), "", TOO_LARGE),
                new ReadCase("the first failure wins",
                        t -> t.offerAll("ab").fail(TOO_LARGE, false).fail(new IOException("gone"), true), "",
                        TOO_LARGE),
                new ReadCase("a discard drops what was here and what comes",
                        t -> t.offerAll("ab").discard().offerAll("cd"), "", null),
                new ReadCase("bytes after the end are dropped",
                        t -> t.offerAll("ab").end().offerAll("cd"), "ab", null),
                new ReadCase("an empty buffer is released, not read as a zero-length read",
                        t -> t.offerAll("", "ab", "").end(), "ab", null),
                new ReadCase("stopping reading drops what was here and what comes",
                        t -> t.offerAll("ab").stop().offerAll("cd"), "", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readCases")
    void readsGiveWhatCameInOrderThenTheEnd(ReadCase c) {
        c.loop().accept(this);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        IOException thrown = null;
        try {
            byte[] three = new byte[3];
            for (int n; (n = input.read(three)) > 0; ) {
                read.write(three, 0, n);
            }
            assertThat(input.read()).as("the end reads again as the end").isEqualTo(-1);
        } catch (IOException e) {
            thrown = e;
        }
        assertThat(read.toString(StandardCharsets.ISO_8859_1)).isEqualTo(c.read());
        assertThat(thrown).isSameAs(c.thrown());
        assertThat(input.buffered()).isZero();
    }

    @Test
    void aReadTakesFromSeveralBuffersAndLeavesTheRestOfOne() throws IOException {
        offerAll("ab", "cd", "ef");
        byte[] three = new byte[3];
        assertThat(input.read(three)).isEqualTo(3);
        assertThat(new String(three, StandardCharsets.ISO_8859_1)).isEqualTo("abc");
        assertThat(input.available()).isEqualTo(3);
        assertThat(offered.get(0).refCnt()).as("read through: released").isZero();
        assertThat(offered.get(1).refCnt()).as("half read: still held").isOne();
        assertThat(input.read()).isEqualTo('d');
        assertThat(offered.get(1).refCnt()).isZero();
    }

    // ---- a blocked reader ----

    record WakeCase(String name, Consumer<InboundStreamTest> loop, Object outcome) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<WakeCase> wakeCases() {
        return Stream.of(
                new WakeCase("bytes", t -> t.offerAll("x"), 1),
                new WakeCase("the end", t -> t.input.end(), -1),
                new WakeCase("a failure", t -> t.input.fail(TOO_LARGE, false), TOO_LARGE),
                new WakeCase("a failure now", t -> t.input.fail(TOO_LARGE, true), TOO_LARGE),
                new WakeCase("a discard", t -> t.input.discard(), -1),
                new WakeCase("the loop stopping the reading", t -> t.input.stopReading(), -1),
                new WakeCase("the end of an idle input", t -> assertThat(t.input.endIfIdleSince(t.input.idleMark()))
                        .isTrue(), -1));
    }

    @ParameterizedTest(name = "a blocked reader wakes on {0}")
    @MethodSource("wakeCases")
    void aBlockedReaderWakes(WakeCase c) throws Exception {
        Reader reader = Reader.start(input);
        reader.awaitBlocked();
        c.loop().accept(this);
        Object outcome = reader.outcome();
        if (c.outcome() instanceof IOException expected) {
            assertThat(outcome).isSameAs(expected);
        } else {
            assertThat(outcome).isEqualTo(c.outcome());
        }
    }

    @Test
    void anInterruptedReaderThrowsAndKeepsItsInterruptStatus() throws Exception {
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                input.read();
                stillInterrupted.completeExceptionally(new AssertionError("read returned"));
            } catch (InterruptedIOException e) {
                stillInterrupted.complete(Thread.currentThread().isInterrupted());
            } catch (IOException e) {
                stillInterrupted.completeExceptionally(e);
            }
        });
        Reader.awaitBlocked(thread);
        thread.interrupt();
        assertThat(stillInterrupted.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    // ---- the reader's turns, and the end of an idle input ----

    @Test
    void theListenerHearsWhenTheReaderWaitsAndWhenBytesComeForIt() throws Exception {
        Reader first = Reader.start(input);
        first.awaitBlocked();
        assertThat(turns.counts()).as("waits, arrivals").containsExactly(1, 0);

        offerAll("a");
        assertThat(first.outcome()).isEqualTo(1);
        assertThat(turns.counts()).containsExactly(1, 1);

        offerAll("b");
        assertThat(turns.counts()).as("bytes for a busy reader are no arrival").containsExactly(1, 1);
        assertThat(input.read()).as("read without waiting").isEqualTo('b');
        assertThat(turns.counts()).containsExactly(1, 1);

        Reader second = Reader.start(input);
        second.awaitBlocked();
        assertThat(turns.counts()).containsExactly(2, 1);
        input.stopReading();
        assertThat(second.outcome()).isEqualTo(-1);
        assertThat(turns.counts()).as("an idle reader stopping is no new wait").containsExactly(2, 1);
    }

    @Test
    void aBusyReaderThatStopsReadingCountsAsWaiting() {
        input.stopReading();
        input.stopReading();
        assertThat(turns.counts()).containsExactly(1, 0);
    }

    @Test
    void anIdleInputEndsOnlyIfTheReaderWaitedSinceTheMarkWithNothingComing() throws Exception {
        long busy = input.idleMark();
        assertThat(input.endIfIdleSince(busy)).as("a reader that never waited").isFalse();

        Reader reader = Reader.start(input);
        reader.awaitBlocked();
        assertThat(input.endIfIdleSince(busy)).as("waiting, but only since after the mark").isFalse();
        long waiting = input.idleMark();

        offerAll("x");
        assertThat(input.endIfIdleSince(waiting)).as("bytes came since the mark").isFalse();
        assertThat(reader.outcome()).isEqualTo(1);

        Reader again = Reader.start(input);
        again.awaitBlocked();
        assertThat(input.endIfIdleSince(waiting)).as("it waits again, but not since the mark").isFalse();
        assertThat(input.endIfIdleSince(input.idleMark())).as("waiting since the mark, nothing came").isTrue();
        assertThat(again.outcome()).isEqualTo(-1);
        assertThat(input.endIfIdleSince(0)).as("over already").isTrue();
    }

    @Test
    void bytesWaitingForAReaderThatHasNotWokenYetKeepTheInputOpen() throws Exception {
        Reader reader = Reader.start(input);
        reader.awaitBlocked();
        long mark = input.idleMark();
        // The reader may not have run since: what counts is that bytes are here.
        offerAll("x");
        assertThat(input.endIfIdleSince(mark)).isFalse();
        assertThat(reader.outcome()).isEqualTo(1);
    }

    @Test
    void anInputTheClientEndedIsOverForTheDrainToo() {
        offerAll("ab");
        input.end();
        assertThat(input.endIfIdleSince(input.idleMark())).isTrue();
    }

    // ---- helpers ----

    private ByteBuf bytes(int n) {
        return track(Unpooled.wrappedBuffer(new byte[n]));
    }

    private ByteBuf track(ByteBuf b) {
        offered.add(b);
        return b;
    }

    private InboundStreamTest offerAll(String... texts) {
        for (String text : texts) {
            input.offer(track(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1)));
        }
        return this;
    }

    private InboundStreamTest end() {
        input.end();
        return this;
    }

    private InboundStreamTest fail(IOException cause, boolean now) {
        input.fail(cause, now);
        return this;
    }

    private InboundStreamTest discard() {
        input.discard();
        return this;
    }

    private InboundStreamTest stop() {
        input.stopReading();
        return this;
    }

    /** Counts the reader's waits and the arrivals for it. */
    private static final class Turns implements InboundStream.Listener {
        private final AtomicInteger waits = new AtomicInteger();
        private final AtomicInteger arrivals = new AtomicInteger();

        @Override
        public void waiting() {
            waits.incrementAndGet();
        }

        @Override
        public void arrived() {
            arrivals.incrementAndGet();
        }

        List<Integer> counts() {
            return List.of(waits.get(), arrivals.get());
        }
    }

    /** A thread reading one byte: its outcome is the byte count (1 or -1) or what it threw. */
    record Reader(Thread thread, CompletableFuture<Object> result) {
        static Reader start(InboundStream input) {
            CompletableFuture<Object> result = new CompletableFuture<>();
            Thread thread = Thread.ofVirtual().start(() -> {
                try {
                    result.complete(input.read(new byte[4]));
                } catch (IOException e) {
                    result.complete(e);
                }
            });
            return new Reader(thread, result);
        }

        void awaitBlocked() {
            awaitBlocked(thread);
            assertThat(result).as("still reading").isNotDone();
        }

        /** Waits until {@code thread} is parked inside the stream's wait. */
        static void awaitBlocked(Thread thread) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!parkedIn(thread, InboundStream.class)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("the reader never blocked");
                }
                LockSupport.parkNanos(1_000_000);
            }
        }

        Object outcome() throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
            return result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Whether {@code thread} is parked (waiting) in a method of {@code type}. */
    static boolean parkedIn(Thread thread, Class<?> type) {
        return thread.getState() == Thread.State.WAITING
                && Stream.of(thread.getStackTrace()).anyMatch(f -> f.getClassName().equals(type.getName()));
    }
}
