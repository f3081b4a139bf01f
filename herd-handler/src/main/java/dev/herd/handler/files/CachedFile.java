package dev.herd.handler.files;

import dev.herd.handler.http.HttpCall;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCounted;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * A regular file of the tree, opened once and kept by an {@link OpenFileCache}: what identifies it
 * on disk, its validators and the values of its response headers, and its bytes. A small file is
 * read into memory, and each response sends a view of those bytes; a larger one keeps its
 * descriptor open, and each response sends a region of it with {@code sendfile}.
 *
 * <p>Responses may still be sending from a file the cache has dropped: the bytes in memory and the
 * descriptor are reference counted, so the cache's {@link #release} frees them only once the last
 * response is written.
 */
final class CachedFile implements OpenFileCache.Entry {
    /** The values are herd's own (a media type, a tag, a date): nothing to validate per response. */
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private final Path named;
    private final Object fileKey;
    private final long size;
    private final FileTime modified;
    private final Validators validators;
    private final AsciiString contentType;
    private final AsciiString etag;
    private final AsciiString lastModified;
    /** The whole file, or null when it is sent from {@link #descriptor}. */
    private final ByteBuf content;
    private final SharedDescriptor descriptor;

    private CachedFile(Path named, BasicFileAttributes attributes, String name, ByteBuf content,
                       SharedDescriptor descriptor) {
        this.named = named;
        this.fileKey = attributes.fileKey();
        this.size = attributes.size();
        this.modified = attributes.lastModifiedTime();
        this.validators = Validators.of(attributes);
        this.contentType = AsciiString.cached(MediaTypes.of(name));
        this.etag = AsciiString.cached(validators.etag());
        this.lastModified = AsciiString.cached(validators.lastModified());
        this.content = content;
        this.descriptor = descriptor;
    }

    /**
     * Opens the file at {@code real}, which {@code named} (the path the request names, links
     * unresolved) led to, with the {@code attributes} just read; its bytes are read into memory if
     * there are at most {@code inMemory} of them. {@code name} gives the media type.
     */
    static CachedFile open(FileSystemCalls fs, Path named, Path real, BasicFileAttributes attributes, String name,
                           int inMemory) throws IOException {
        FileChannel channel = fs.open(real);
        try {
            ByteBuf content = attributes.size() <= inMemory ? read(channel, (int) attributes.size()) : null;
            if (content != null) {
                channel.close();
                return new CachedFile(named, attributes, name, content, null);
            }
            return new CachedFile(named, attributes, name, null, new SharedDescriptor(channel));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * The whole file in a buffer of its own (direct: a socket write copies nothing more), or null if
     * it ended short of {@code size}: it is being rewritten, and is sent from its descriptor as a
     * large file is, until the entry's next check sees its new size or time.
     */
    private static ByteBuf read(FileChannel channel, int size) throws IOException {
        ByteBuf bytes = Unpooled.directBuffer(size, size);
        try {
            while (bytes.isWritable()) {
                if (bytes.writeBytes(channel, bytes.writerIndex(), bytes.writableBytes()) < 0) {
                    bytes.release();
                    return null;
                }
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            bytes.release();
            throw e;
        }
    }

    /** The path the request names: {@code stat} on it follows the links the request would follow. */
    Path named() {
        return named;
    }

    /** Whether {@code now}, read from {@link #named()}, is still this file: same inode, size and time. */
    boolean sameAs(BasicFileAttributes now) {
        return now.isRegularFile() && fileKey != null && fileKey.equals(now.fileKey()) && size == now.size()
                && modified.equals(now.lastModifiedTime());
    }

    long size() {
        return size;
    }

    Validators validators() {
        return validators;
    }

    /** Bytes this entry holds in memory. */
    int memory() {
        return content == null ? 0 : content.capacity();
    }

    /** Whether this entry holds a descriptor open. */
    boolean holdsDescriptor() {
        return descriptor != null;
    }

    /**
     * A response head of {@code status} with the validators (RFC 9110 §15.4.5: a 304 carries those a
     * 200 would have carried), and with {@code content}, the media type and {@code Accept-Ranges}.
     */
    HttpResponse head(HttpResponseStatus status, boolean content) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, HEADERS);
        HttpHeaders headers = head.headers();
        if (content) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
            headers.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        }
        headers.set(HttpHeaderNames.ETAG, etag);
        headers.set(HttpHeaderNames.LAST_MODIFIED, lastModified);
        return head;
    }

    /** Answers {@code call} with {@code head} and {@code length} bytes of the file from {@code offset}. */
    void respond(HttpCall call, HttpResponse head, long offset, long length) {
        if (content == null) {
            call.respondRegion(head, descriptor.region(offset, length));
        } else if (offset == 0 && length == content.readableBytes()) {
            call.respond(head, content.retainedDuplicate());
        } else {
            call.respond(head, content.retainedSlice((int) offset, (int) length));
        }
    }

    /** The cache lets go of the file: freed, or closed, once no response sends from it any more. */
    void release() {
        if (content != null) {
            content.release();
        } else {
            descriptor.release();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // It was only read: nothing is lost.
        }
    }

    /**
     * A descriptor that several responses send from at once: the cache holds one reference, each
     * region in flight another, and the last release closes it.
     */
    private static final class SharedDescriptor extends AbstractReferenceCounted {
        private final FileChannel channel;

        SharedDescriptor(FileChannel channel) {
            this.channel = channel;
        }

        DefaultFileRegion region(long offset, long length) {
            retain();
            return new Region(this, offset, length);
        }

        @Override
        protected void deallocate() {
            closeQuietly(channel);
        }

        @Override
        public ReferenceCounted touch(Object hint) {
            return this;
        }
    }

    /**
     * A region of a shared descriptor. It stays a {@link DefaultFileRegion}, which is what Netty's
     * epoll transport sends with {@code sendfile} (any other region is copied through a buffer), but
     * once written it lets go of its share where a {@code DefaultFileRegion} would close the file
     * under every other response.
     */
    private static final class Region extends DefaultFileRegion {
        private final SharedDescriptor shared;

        Region(SharedDescriptor shared, long offset, long length) {
            super(shared.channel, offset, length);
            this.shared = shared;
        }

        @Override
        protected void deallocate() {
            shared.release();
        }
    }
}
