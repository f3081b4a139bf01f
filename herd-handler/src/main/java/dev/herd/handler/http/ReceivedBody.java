package dev.herd.handler.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A request body received whole before its call is made: in memory up to a bound (its own, and
 * the handler's for all bodies together, {@link BodyMemory}), beyond it in a temporary file. The event loop {@linkplain #add adds} what arrives; once complete, the service
 * reads it from any thread through {@link #stream()}, which never waits; the loop
 * {@linkplain #release releases} it when the exchange ends.
 *
 * <p>The temporary file is unlinked as soon as it is created: only the open descriptor holds it,
 * so it is gone when the exchange ends, and even when the handler is killed, whatever happens.
 * Writing it is done on the loop (the page cache takes it; nginx writes its request bodies from
 * its event loop too).
 */
final class ReceivedBody {
    private final ByteBufAllocator alloc;
    private final long memoryBound;
    private final Path spillDirectory;
    /** What all buffered bodies of the handler may hold in memory; null: this body never moves to a file. */
    private final BodyMemory shared;
    /** Guarded by this: the loop writes, a service's thread reads, the loop releases. */
    private CompositeByteBuf memory;
    private FileChannel file;
    private long size;
    private boolean released;

    /**
     * @param memoryBound    the most bytes kept in memory; past it, all of it moves to a file
     * @param spillDirectory where that file is created (and at once unlinked)
     * @param shared         the handler's budget for bodies in memory, which moves this one to its
     *                       file once spent; null for a body that must stay in memory (one for code on
     *                       the loop, bounded by {@code --max-body})
     */
    ReceivedBody(ByteBufAllocator alloc, long memoryBound, Path spillDirectory, BodyMemory shared) {
        this.alloc = alloc;
        this.memoryBound = memoryBound;
        this.spillDirectory = spillDirectory;
        this.shared = shared;
    }

    /** On the loop: appends {@code bytes}, taking ownership of them. */
    synchronized void add(ByteBuf bytes) throws IOException {
        try {
            if (released) {
                return;
            }
            int n = bytes.readableBytes();
            if (n == 0) {
                return;
            }
            if (file == null && (size + n > memoryBound || shared != null && !shared.reserve(n))) {
                spill();
            }
            if (file != null) {
                writeFully(bytes, size);
            } else {
                if (memory == null) {
                    memory = alloc.compositeBuffer(64);
                }
                memory.addComponent(true, bytes.retain());
            }
            size += n;
        } finally {
            bytes.release();
        }
    }

    /** Bytes received so far. */
    synchronized long size() {
        return size;
    }

    /** Whether the body lies in a file (it outgrew the memory bound). */
    synchronized boolean spilled() {
        return file != null;
    }

    /**
     * The body in memory: the exchange owns it and releases it when the exchange ends.
     *
     * @throws IllegalStateException if it was spilled to a file
     */
    synchronized ByteBuf bytes() {
        if (file != null) {
            throw new IllegalStateException("the body is in a file, " + size + " bytes");
        }
        return memory != null ? memory : Unpooled.EMPTY_BUFFER;
    }

    /** A stream over the whole body from its first byte; reading after {@link #release} fails. */
    InputStream stream() {
        return new Reader();
    }

    /** On the loop, when the exchange ends: frees the memory and closes (so removes) the file. */
    synchronized void release() throws IOException {
        if (released) {
            return;
        }
        released = true;
        if (memory != null) {
            giveBack();
        }
        if (file != null) {
            file.close();
        }
    }

    private void spill() throws IOException {
        Path path = Files.createTempFile(spillDirectory, "herd-body-", ".tmp");
        try {
            file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } finally {
            Files.deleteIfExists(path);
        }
        if (memory != null) {
            writeFully(memory, 0);
            giveBack();
        }
    }

    /** Frees what is in memory, and gives it back to the handler's budget. */
    private void giveBack() {
        if (shared != null) {
            shared.release(memory.readableBytes());
        }
        memory.release();
        memory = null;
    }

    private void writeFully(ByteBuf bytes, long position) throws IOException {
        int from = bytes.readerIndex();
        int length = bytes.readableBytes();
        int done = 0;
        while (done < length) {
            done += bytes.getBytes(from + done, file, position + done, length - done);
        }
    }

    private synchronized int readAt(long position, byte[] into, int offset, int length) throws IOException {
        if (released) {
            throw new IOException("the request body is no longer available: its exchange is over");
        }
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(length, size - position);
        if (file != null) {
            ByteBuffer target = ByteBuffer.wrap(into, offset, n);
            while (target.hasRemaining()) {
                if (file.read(target, position + target.position() - offset) < 0) {
                    throw new IOException("the request body's file ended early");
                }
            }
        } else {
            memory.getBytes(memory.readerIndex() + (int) position, into, offset, n);
        }
        return n;
    }

    /** One reader's position; the bytes stay where they are. */
    private final class Reader extends InputStream {
        private long position;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, into.length);
            if (length == 0) {
                return 0;
            }
            int n = readAt(position, into, offset, length);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, size() - position));
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, size() - position));
            position += skipped;
            return skipped;
        }
    }
}
