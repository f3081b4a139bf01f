package dev.herd.handler.files;

import dev.herd.config.StaticMount;
import dev.herd.handler.http.HttpCall;
import dev.herd.handler.http.HttpService;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Static files under a URL prefix beside the application ({@code --static /PREFIX=DIR}): the
 * prefix itself and every path below it ({@code /assets}, {@code /assets/...}, never
 * {@code /assetsx}) are files, every other request goes to the application, or is 404 when
 * there is none.
 *
 * <p>The decision is made on the path as {@link StaticFiles} will read it, decoded once: so
 * {@code /%61ssets/x} is a file like {@code /assets/x}, and {@code /assets/%2e%2e/app.conf}
 * reaches the files (which refuse it), never a file outside their root. A path that cannot be
 * decoded, or names {@code ..}, is the files' to refuse when its raw form lies under the prefix,
 * else the application's to judge.
 */
public final class MountedService implements HttpService {
    private final String prefix;
    private final List<String> prefixNames;
    private final StaticFiles files;
    private final HttpService fallback;

    /**
     * @param prefix   the URL prefix: {@code ""} (everything) or {@code /name[/name...]} without
     *                 a trailing slash, as {@link StaticMount#prefix()} gives it
     * @param fallback what serves the requests outside the prefix; none: 404
     */
    public MountedService(String prefix, StaticFiles files, Optional<HttpService> fallback) {
        // Plain means: the path its own names spell, so no "%", "?", "//", "." or trailing "/".
        if (!(TargetPath.parse(prefix.isEmpty() ? "/" : prefix) instanceof TargetPath.Names names)
                || !names.names().stream().map(name -> "/" + name).collect(Collectors.joining()).equals(prefix)) {
            throw new IllegalArgumentException("a prefix is empty or a plain path such as /assets: " + prefix);
        }
        this.prefix = prefix;
        this.prefixNames = names.names();
        this.files = files;
        this.fallback = fallback.orElseGet(NoApplication::new);
    }

    /** The service of {@code --static}: the files alone, or mounted beside {@code app}. */
    public static HttpService of(StaticMount mount, Optional<String> index, boolean listing,
                                 Optional<HttpService> app) {
        StaticFiles files = new StaticFiles(mount.dir(), index, listing);
        return mount.prefix().isEmpty() && app.isEmpty() ? files : new MountedService(mount.prefix(), files, app);
    }

    /**
     * Whoever answers decides. The target is read again in {@link #serve}: parsing a path costs
     * less than keeping per-request state between the two calls, which come from every loop.
     */
    @Override
    public BodyMode bodyMode(HttpRequest head) {
        return filesTarget(head.uri()).isPresent() ? files.bodyMode(head) : fallback.bodyMode(head);
    }

    @Override
    public void serve(HttpCall call) throws Exception {
        Optional<TargetPath> target = filesTarget(call.head().uri());
        if (target.isPresent()) {
            files.serve(call, prefixNames, target.get());
        } else {
            fallback.serve(call);
        }
    }

    @Override
    public void drain() {
        files.drain();
        fallback.drain();
    }

    /** The target relative to the files' root if the files answer it, else empty. */
    private Optional<TargetPath> filesTarget(String uri) {
        return switch (TargetPath.parse(uri)) {
            case TargetPath.Names path when path.startsWith(prefixNames) ->
                    Optional.of(path.drop(prefixNames.size()));
            case TargetPath.Refused refused when underPrefix(refused.rawPath()) -> Optional.of(refused);
            default -> Optional.empty();
        };
    }

    private boolean underPrefix(String rawPath) {
        return prefix.isEmpty() || rawPath.startsWith(prefix)
                && (rawPath.length() == prefix.length() || rawPath.charAt(prefix.length()) == '/');
    }

    /** Outside the prefix when there is no application: nothing is there. */
    private static final class NoApplication implements HttpService {
        @Override
        public BodyMode bodyMode(HttpRequest head) {
            return BodyMode.WHOLE;
        }

        @Override
        public void serve(HttpCall call) {
            Replies.text(call, HttpResponseStatus.NOT_FOUND);
        }
    }
}
