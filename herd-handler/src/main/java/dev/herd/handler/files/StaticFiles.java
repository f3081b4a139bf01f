package dev.herd.handler.files;

import dev.herd.handler.http.HttpCall;
import dev.herd.handler.http.HttpService;
import dev.herd.time.MonotonicClock;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Serves the files of one directory tree ({@code --static DIR}), as nginx serves a {@code root}:
 * GET and HEAD, validators and conditional requests, single byte ranges, index files, optional
 * directory listings.
 *
 * <p>It runs on the event loop, and each loop keeps an {@link OpenFileCache} of the request paths
 * it has answered, as nginx's {@code open_file_cache}: a path seen within the last second is
 * answered without a system call, from the file's bytes in memory (up to 16 KiB) or from its open
 * descriptor with {@code sendfile}; an older one is checked with one {@code stat}. Only a path the
 * cache does not know is parsed and resolved ({@code realpath}, {@code stat}) and its file opened.
 * Directory redirects and listings are never cached.
 *
 * <p>No request reaches a file outside the tree: {@link TargetPath} refuses every name that
 * could climb out before the file system is asked, and the real path of what a name resolves to
 * must lie inside the real path of the root, so a symbolic link may point anywhere within the
 * tree but nowhere outside it (404, as if the link were not there). The cache serves only files
 * that passed that check, and drops one as soon as its path leads to another inode.
 */
public final class StaticFiles implements HttpService {
    private static final String ALLOWED = "GET, HEAD";
    /** Netty's reason phrase for 416 is RFC 2616's; RFC 9110 §15.5.17 renamed it. */
    private static final HttpResponseStatus RANGE_NOT_SATISFIABLE = new HttpResponseStatus(416, "Range Not Satisfiable");

    private final Path root;
    private final Optional<String> index;
    private final boolean listing;
    private final FileSystemCalls fs;
    /**
     * Each loop's own cache: a loop is one thread, so its cache needs no lock. Netty's loop threads
     * remove their thread-locals as they end, which closes the cache's files.
     */
    private final FastThreadLocal<OpenFileCache> caches;

    /**
     * @param dir     the directory to serve (its real path is taken once, now)
     * @param index   the file answered for a directory ({@code --static-index}), if any
     * @param listing whether a directory without an index is listed ({@code --static-listing})
     * @throws IllegalArgumentException if {@code dir} is not a readable directory
     */
    public StaticFiles(Path dir, Optional<String> index, boolean listing) {
        this(dir, index, listing, OpenFileCache.Limits.DEFAULT, MonotonicClock.SYSTEM, FileSystemCalls.JDK);
    }

    /** With the cache's limits, its clock and the system calls given (rule 8: tests move the clock). */
    StaticFiles(Path dir, Optional<String> index, boolean listing, OpenFileCache.Limits limits, MonotonicClock clock,
                FileSystemCalls fs) {
        try {
            this.root = dir.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("--static: cannot open " + dir + ": " + reason(e), e);
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("--static: " + dir + " is not a directory");
        }
        this.index = index;
        this.listing = listing;
        this.fs = fs;
        this.caches = new FastThreadLocal<>() {
            @Override
            protected OpenFileCache initialValue() {
                return new OpenFileCache(limits, clock, fs);
            }

            @Override
            protected void onRemoval(OpenFileCache cache) {
                cache.close();
            }
        };
    }

    /** The cache of the calling thread (a loop's), made at its first use. */
    OpenFileCache cache() {
        return caches.get();
    }

    /** The file system is read on the loop; request bodies are of no use to GET and HEAD. */
    @Override
    public BodyMode bodyMode(HttpRequest head) {
        return BodyMode.WHOLE;
    }

    @Override
    public void serve(HttpCall call) throws IOException {
        serve(call, List.of(), null);
    }

    /**
     * Serves {@code target}, whose names are relative to the root, or when it is null the request's
     * own target, read only if the cache does not know it; {@code mount} holds the names of the URL
     * path the root is served at, for redirects and listings.
     */
    void serve(HttpCall call, List<String> mount, TargetPath target) throws IOException {
        HttpMethod method = call.head().method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            // RFC 9110 §15.5.6: a 405 lists the methods the resource does support.
            HttpResponse head = Replies.head(HttpResponseStatus.METHOD_NOT_ALLOWED);
            head.headers().set(HttpHeaderNames.ALLOW, ALLOWED);
            Replies.text(call, head);
            return;
        }
        OpenFileCache cache = cache();
        String key = key(mount, call.head().uri());
        OpenFileCache.Entry known = cache.get(key);
        if (known != null) {
            answer(call, known);
            return;
        }
        switch (target != null ? target : TargetPath.parse(call.head().uri())) {
            case TargetPath.Refused refused -> Replies.text(call, refused.status());
            case TargetPath.Names path -> serve(call, mount, path, cache, key);
        }
    }

    /**
     * The cache's key for a request: its path as received, without the query (no answer the cache
     * gives depends on it), after the names of the mount, which decide what the path names. A
     * prefix holds no NUL (it is a plain path), so no two mounts and paths make the same key.
     */
    private static String key(List<String> mount, String uri) {
        String path = uri;
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                path = uri.substring(0, i);
                break;
            }
        }
        return mount.isEmpty() ? path : String.join("/", mount) + '\0' + path;
    }

    private void serve(HttpCall call, List<String> mount, TargetPath.Names path, OpenFileCache cache, String key)
            throws IOException {
        switch (lookUp(path.names())) {
            case Missing missing -> answer(call, cache.refuse(key, OpenFileCache.Refusal.of(missing.status())));
            case Found dir when dir.attributes().isDirectory() -> serveDirectory(call, mount, path, dir, cache, key);
            case Found file when file.attributes().isRegularFile() && !path.trailingSlash() ->
                    answer(call, cache.open(key, file.named(), file.real(), file.attributes(), path.names().getLast()));
            // A file asked for as a directory ("/a.txt/"), as nginx answers it, or what is
            // neither file nor directory: opening a FIFO would block the loop, a device is no
            // business of a web server.
            case Found _ -> answer(call, cache.refuse(key, OpenFileCache.Refusal.NOT_FOUND));
        }
    }

    private static void answer(HttpCall call, OpenFileCache.Entry entry) {
        switch (entry) {
            case CachedFile file -> serveFile(call, file);
            case OpenFileCache.Refusal refusal -> Replies.text(call, refusal.status());
        }
    }

    private void serveDirectory(HttpCall call, List<String> mount, TargetPath.Names path, Found dir,
                                OpenFileCache cache, String key) throws IOException {
        if (!path.trailingSlash()) {
            // Relative links in the directory's page resolve against its URL only with the slash.
            HttpResponse head = Replies.head(HttpResponseStatus.MOVED_PERMANENTLY);
            head.headers().set(HttpHeaderNames.LOCATION, directoryUrl(mount, path, true));
            Replies.text(call, head);
            return;
        }
        if (index.isPresent()
                && lookUp(dir.named().resolve(index.get())) instanceof Found file
                && file.attributes().isRegularFile()) {
            // Kept under the directory's path: a check stats the index through the directory's name.
            answer(call, cache.open(key, file.named(), file.real(), file.attributes(), index.get()));
            return;
        }
        if (!listing) {
            Replies.text(call, HttpResponseStatus.FORBIDDEN); // as nginx without autoindex
            return;
        }
        byte[] page = DirectoryListing.render(directoryUrl(mount, path, false), path.names().isEmpty(),
                DirectoryListing.read(dir.real(), root));
        HttpResponse head = Replies.head(HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, MediaTypes.HTML);
        call.respond(head, Unpooled.wrappedBuffer(page));
    }

    /**
     * The URL path of a directory with its trailing slash: names percent-encoded and the query
     * kept (for a {@code Location}), or decoded (for a page title). It is built from the checked
     * names, never from the raw request path, so that "//evil.example" cannot come back as a
     * protocol-relative redirect.
     */
    private static String directoryUrl(List<String> mount, TargetPath.Names path, boolean encoded) {
        StringBuilder url = new StringBuilder();
        Stream.concat(mount.stream(), path.names().stream())
                .forEach(name -> url.append('/').append(encoded ? TargetPath.encode(name) : name));
        url.append('/');
        if (encoded && path.query() != null) {
            url.append('?').append(path.query());
        }
        return url.toString();
    }

    /** A regular file: its validators decide between 412, 304, 416, 206 and 200. */
    private static void serveFile(HttpCall call, CachedFile file) {
        switch (Preconditions.evaluate(call.head().headers(), file.validators())) {
            case PRECONDITION_FAILED -> Replies.text(call, HttpResponseStatus.PRECONDITION_FAILED);
            case NOT_MODIFIED -> call.respond(file.head(HttpResponseStatus.NOT_MODIFIED, false), Unpooled.EMPTY_BUFFER);
            case PROCEED -> send(call, file);
        }
    }

    /** Sends the whole file or the one range asked for. */
    private static void send(HttpCall call, CachedFile file) {
        HttpRequest request = call.head();
        long size = file.size();
        ByteRanges ranges = ByteRanges.WHOLE;
        // Range is for GET only (RFC 9110 §14.2); a repeated Range field is no valid field.
        if (request.method().equals(HttpMethod.GET) && request.headers().contains(HttpHeaderNames.RANGE)) {
            List<String> range = request.headers().getAll(HttpHeaderNames.RANGE);
            if (range.size() == 1 && Preconditions.rangeApplies(request.headers(), file.validators())) {
                ranges = ByteRanges.parse(range.getFirst(), size);
            }
        }
        switch (ranges) {
            case ByteRanges.Unsatisfiable _ -> {
                HttpResponse head = Replies.head(RANGE_NOT_SATISFIABLE);
                head.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size); // §15.5.17
                Replies.text(call, head);
            }
            case ByteRanges.Part part -> {
                HttpResponse head = file.head(HttpResponseStatus.PARTIAL_CONTENT, true);
                head.headers().set(HttpHeaderNames.CONTENT_RANGE,
                        "bytes " + part.first() + "-" + part.last() + "/" + size);
                file.respond(call, head, part.first(), part.length());
            }
            case ByteRanges.Whole _ -> file.respond(call, file.head(HttpResponseStatus.OK, true), 0, size);
        }
    }

    /** What a path names: a file or directory inside the tree, or the status of a miss. */
    private sealed interface Lookup {
    }

    /**
     * @param named the path as the request names it, under the root, links unresolved
     * @param real  its real path, inside the root
     */
    private record Found(Path named, Path real, BasicFileAttributes attributes) implements Lookup {
    }

    private record Missing(HttpResponseStatus status) implements Lookup {
    }

    private Lookup lookUp(List<String> names) throws IOException {
        Path path = root;
        try {
            for (String name : names) {
                path = path.resolve(name);
            }
        } catch (InvalidPathException e) {
            // A name this JVM cannot encode (a non-ASCII name under the C locale): no such file.
            return new Missing(HttpResponseStatus.NOT_FOUND);
        }
        return lookUp(path);
    }

    private Lookup lookUp(Path named) throws IOException {
        try {
            Path real = fs.realPath(named);
            if (!real.startsWith(root)) {
                return new Missing(HttpResponseStatus.NOT_FOUND); // a link that leads out of the tree
            }
            return new Found(named, real, fs.attributes(real));
        } catch (AccessDeniedException e) {
            return new Missing(HttpResponseStatus.FORBIDDEN);
        } catch (FileSystemException e) {
            // No such file, a file used as a directory, a name too long, a loop of links.
            return new Missing(HttpResponseStatus.NOT_FOUND);
        }
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "no such directory";
            case AccessDeniedException _ -> "permission denied";
            case FileSystemException fs when fs.getReason() != null -> fs.getReason();
            default -> e.toString();
        };
    }
}
