package dev.herd.handler.files;

import dev.herd.handler.http.HttpCall;
import dev.herd.handler.http.HttpService;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Serves the files of one directory tree ({@code --static DIR}), as nginx serves a {@code root}:
 * GET and HEAD, zero-copy bodies, validators and conditional requests, single byte ranges,
 * index files, optional directory listings.
 *
 * <p>It runs on the event loop: per request it parses the path, resolves it ({@code realpath},
 * {@code stat}) and opens the file; the body is sent by the pipeline with {@code sendfile}.
 *
 * <p>No request reaches a file outside the tree: {@link TargetPath} refuses every name that
 * could climb out before the file system is asked, and the real path of what a name resolves to
 * must lie inside the real path of the root, so a symbolic link may point anywhere within the
 * tree but nowhere outside it (404, as if the link were not there).
 */
public final class StaticFiles implements HttpService {
    private static final String ALLOWED = "GET, HEAD";
    /** Netty's reason phrase for 416 is RFC 2616's; RFC 9110 §15.5.17 renamed it. */
    private static final HttpResponseStatus RANGE_NOT_SATISFIABLE = new HttpResponseStatus(416, "Range Not Satisfiable");

    private final Path root;
    private final Optional<String> index;
    private final boolean listing;

    /**
     * @param dir     the directory to serve (its real path is taken once, now)
     * @param index   the file answered for a directory ({@code --static-index}), if any
     * @param listing whether a directory without an index is listed ({@code --static-listing})
     * @throws IllegalArgumentException if {@code dir} is not a readable directory
     */
    public StaticFiles(Path dir, Optional<String> index, boolean listing) {
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
    }

    /** The file system is read on the loop; request bodies are of no use to GET and HEAD. */
    @Override
    public BodyMode bodyMode(HttpRequest head) {
        return BodyMode.WHOLE;
    }

    @Override
    public void serve(HttpCall call) throws IOException {
        serve(call, List.of(), TargetPath.parse(call.head().uri()));
    }

    /**
     * Serves {@code target}, whose names are relative to the root; {@code mount} holds the names
     * of the URL path the root is served at, for redirects and listings.
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
        switch (target) {
            case TargetPath.Refused refused -> Replies.text(call, refused.status());
            case TargetPath.Names path -> serve(call, mount, path);
        }
    }

    private void serve(HttpCall call, List<String> mount, TargetPath.Names path) throws IOException {
        switch (lookUp(path.names())) {
            case Missing missing -> Replies.text(call, missing.status());
            case Found dir when dir.attributes().isDirectory() -> serveDirectory(call, mount, path, dir);
            case Found file when file.attributes().isRegularFile() && !path.trailingSlash() ->
                    serveFile(call, file, path.names().getLast());
            // A file asked for as a directory ("/a.txt/"), as nginx answers it, or what is
            // neither file nor directory: opening a FIFO would block the loop, a device is no
            // business of a web server.
            case Found _ -> Replies.text(call, HttpResponseStatus.NOT_FOUND);
        }
    }

    private void serveDirectory(HttpCall call, List<String> mount, TargetPath.Names path, Found dir)
            throws IOException {
        if (!path.trailingSlash()) {
            // Relative links in the directory's page resolve against its URL only with the slash.
            HttpResponse head = Replies.head(HttpResponseStatus.MOVED_PERMANENTLY);
            head.headers().set(HttpHeaderNames.LOCATION, directoryUrl(mount, path, true));
            Replies.text(call, head);
            return;
        }
        if (index.isPresent()
                && lookUp(dir.path().resolve(index.get())) instanceof Found file
                && file.attributes().isRegularFile()) {
            serveFile(call, file, index.get());
            return;
        }
        if (!listing) {
            Replies.text(call, HttpResponseStatus.FORBIDDEN); // as nginx without autoindex
            return;
        }
        byte[] page = DirectoryListing.render(directoryUrl(mount, path, false), path.names().isEmpty(),
                DirectoryListing.read(dir.path(), root));
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
    private void serveFile(HttpCall call, Found found, String name) throws IOException {
        FileChannel file;
        try {
            // The real path has no links left; NOFOLLOW_LINKS refuses one swapped in since.
            file = FileChannel.open(found.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            Replies.text(call, HttpResponseStatus.FORBIDDEN);
            return;
        } catch (FileSystemException e) {
            Replies.text(call, HttpResponseStatus.NOT_FOUND); // removed or replaced since the lookup
            return;
        }
        boolean handedOver = false;
        try {
            Validators validators = Validators.of(found.attributes());
            HttpHeaders request = call.head().headers();
            switch (Preconditions.evaluate(request, validators)) {
                case PRECONDITION_FAILED -> Replies.text(call, HttpResponseStatus.PRECONDITION_FAILED);
                case NOT_MODIFIED -> {
                    // RFC 9110 §15.4.5: a 304 carries the validators a 200 would have carried.
                    HttpResponse head = Replies.head(HttpResponseStatus.NOT_MODIFIED);
                    setValidators(head.headers(), validators);
                    call.respond(head, Unpooled.EMPTY_BUFFER);
                }
                case PROCEED -> handedOver = send(call, file, found.attributes().size(), name, validators);
            }
        } finally {
            if (!handedOver) {
                file.close(); // closing twice is harmless, should the pipeline have taken it after all
            }
        }
    }

    /** Sends the whole file or the one range asked for; false if no body was handed over. */
    private static boolean send(HttpCall call, FileChannel file, long size, String name, Validators validators) {
        HttpRequest request = call.head();
        ByteRanges ranges = ByteRanges.WHOLE;
        List<String> range = request.headers().getAll(HttpHeaderNames.RANGE);
        // Range is for GET only (RFC 9110 §14.2); a repeated Range field is no valid field.
        if (request.method().equals(HttpMethod.GET) && range.size() == 1
                && Preconditions.rangeApplies(request.headers(), validators)) {
            ranges = ByteRanges.parse(range.getFirst(), size);
        }
        HttpResponse head;
        switch (ranges) {
            case ByteRanges.Unsatisfiable _ -> {
                head = Replies.head(RANGE_NOT_SATISFIABLE);
                head.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size); // §15.5.17
                Replies.text(call, head);
                return false;
            }
            case ByteRanges.Part part -> {
                head = Replies.head(HttpResponseStatus.PARTIAL_CONTENT);
                head.headers().set(HttpHeaderNames.CONTENT_RANGE,
                        "bytes " + part.first() + "-" + part.last() + "/" + size);
                setContentHeaders(head.headers(), name, validators);
                call.respondFile(head, file, part.first(), part.length());
            }
            case ByteRanges.Whole _ -> {
                head = Replies.head(HttpResponseStatus.OK);
                setContentHeaders(head.headers(), name, validators);
                call.respondFile(head, file, 0, size);
            }
        }
        return true;
    }

    private static void setContentHeaders(HttpHeaders headers, String name, Validators validators) {
        headers.set(HttpHeaderNames.CONTENT_TYPE, MediaTypes.of(name));
        headers.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        setValidators(headers, validators);
    }

    private static void setValidators(HttpHeaders headers, Validators validators) {
        headers.set(HttpHeaderNames.ETAG, validators.etag());
        headers.set(HttpHeaderNames.LAST_MODIFIED, validators.lastModified());
    }

    /** What a path names: a file or directory inside the tree, or the status of a miss. */
    private sealed interface Lookup {
    }

    /** @param path the real path, inside the root */
    private record Found(Path path, BasicFileAttributes attributes) implements Lookup {
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

    private Lookup lookUp(Path path) throws IOException {
        try {
            Path real = path.toRealPath();
            if (!real.startsWith(root)) {
                return new Missing(HttpResponseStatus.NOT_FOUND); // a link that leads out of the tree
            }
            return new Found(real, Files.readAttributes(real, BasicFileAttributes.class));
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
