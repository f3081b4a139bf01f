package dev.herd.handler.files;

import dev.herd.config.StaticMount;
import dev.herd.handler.http.HttpCall;
import dev.herd.handler.http.HttpService;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.herd.handler.files.WebTree.HELLO;
import static dev.herd.handler.files.WebTree.INDEX;
import static dev.herd.handler.files.WebTree.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which requests a {@link MountedService} gives to its files and which to the application. */
class MountedServiceTest {
    /** What the application answers, whatever the request. */
    private static final String APP = "from the app";

    @TempDir
    static Path tmp;
    private static StaticFiles files;

    @BeforeAll
    static void createTree() throws Exception {
        files = new StaticFiles(WebTree.create(tmp), Optional.of("index.html"), true);
    }

    /** An application that streams bodies and answers every request with {@link #APP}. */
    private static final class App implements HttpService {
        boolean drained;

        @Override
        public BodyMode bodyMode(HttpRequest head) {
            return BodyMode.STREAM;
        }

        @Override
        public void serve(HttpCall call) {
            call.respond(Replies.head(HttpResponseStatus.OK), Unpooled.copiedBuffer(APP, StandardCharsets.UTF_8));
        }

        @Override
        public void drain() {
            drained = true;
        }
    }

    /**
     * @param body the exact body expected ({@link #APP}: the application answered)
     */
    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("/assets", "/assets/hello.txt", 200, HELLO),
                Arguments.of("/assets", "/assets/", 200, INDEX),
                Arguments.of("/assets", "/assets", 301, null),
                Arguments.of("/assets", "/assets?v=1", 301, null),
                Arguments.of("/assets", "/assets/nested/deep/file.txt", 200, "deep\n"),
                Arguments.of("/assets", "/assets/nope", 404, "Not Found\n"),
                Arguments.of("/assets", "/assets//hello.txt", 200, HELLO),
                Arguments.of("/assets", "//assets/hello.txt", 200, HELLO),
                Arguments.of("/assets", "/%61ssets/hello.txt", 200, HELLO),
                Arguments.of("/assets", "/assets%2fhello.txt", 200, HELLO),
                Arguments.of("/assets", "http://example.com/assets/hello.txt", 200, HELLO),
                Arguments.of("/assets", "/assetsx", 200, APP),
                Arguments.of("/assets", "/assetsx/hello.txt", 200, APP),
                Arguments.of("/assets", "/asset", 200, APP),
                Arguments.of("/assets", "/", 200, APP),
                Arguments.of("/assets", "/hello.txt", 200, APP),
                Arguments.of("/assets", "/other/assets/hello.txt", 200, APP),
                Arguments.of("/assets", "/assets/../outside/secret.txt", 404, "Not Found\n"),
                Arguments.of("/assets", "/assets/..%2f..%2foutside/secret.txt", 404, "Not Found\n"),
                Arguments.of("/assets", "/assets/%2e%2e/%2e%2e/outside/secret.txt", 404, "Not Found\n"),
                Arguments.of("/assets", "/assets/%252e%252e%252foutside%252fsecret.txt", 404, "Not Found\n"),
                Arguments.of("/assets", "/assets/link-out.txt", 404, "Not Found\n"),
                Arguments.of("/assets", "/assets/%zz", 400, "Bad Request\n"),
                Arguments.of("/assets", "/assets/x%00", 400, "Bad Request\n"),
                // Decoded, these are /assets/../outside/secret.txt; undecoded they are not under
                // the prefix: the application judges them, the files never see them.
                Arguments.of("/assets", "/assets%2f..%2foutside%2fsecret.txt", 200, APP),
                Arguments.of("/assets", "/%61ssets/../outside/secret.txt", 200, APP),
                Arguments.of("/assets", "/x/../assets/hello.txt", 200, APP),
                Arguments.of("/static/v1", "/static/v1/hello.txt", 200, HELLO),
                Arguments.of("/static/v1", "/static/v1", 301, null),
                Arguments.of("/static/v1", "/static/v2/hello.txt", 200, APP),
                Arguments.of("/static/v1", "/static", 200, APP),
                Arguments.of("/static/v1", "/static/v1x/hello.txt", 200, APP),
                Arguments.of("", "/hello.txt", 200, HELLO),
                Arguments.of("", "/", 200, INDEX),
                Arguments.of("", "/../outside/secret.txt", 404, "Not Found\n"),
                Arguments.of("", "*", 400, "Bad Request\n"));
    }

    @ParameterizedTest(name = "{0}: {1} is {2}")
    @MethodSource("routes")
    void routes(String prefix, String uri, int status, String body) throws Exception {
        MountedService service = new MountedService(prefix, files, Optional.of(new App()));
        RecordingCall call = RecordingCall.get(uri);

        HttpService.BodyMode mode = service.bodyMode(call.head());
        service.serve(call);

        assertThat(call.status()).as("status").isEqualTo(status);
        if (body != null) {
            assertThat(call.text()).as("body").isEqualTo(body);
        }
        assertThat(call.text()).doesNotContain(SECRET);
        assertThat(mode).as("body mode").isEqualTo(APP.equals(body) ? HttpService.BodyMode.STREAM
                : HttpService.BodyMode.WHOLE);
    }

    static Stream<Arguments> redirects() {
        return Stream.of(
                Arguments.of("/assets", "/assets", "/assets/"),
                Arguments.of("/assets", "/assets?v=1", "/assets/?v=1"),
                Arguments.of("/assets", "/assets/docs", "/assets/docs/"),
                Arguments.of("/assets", "/%61ssets/docs", "/assets/docs/"),
                Arguments.of("/static/v1", "/static/v1/with%20space", "/static/v1/with%20space/"));
    }

    @ParameterizedTest(name = "{0}: {1} moves to {2}")
    @MethodSource("redirects")
    void directoriesRedirectUnderThePrefix(String prefix, String uri, String location) throws Exception {
        MountedService service = new MountedService(prefix, files, Optional.empty());
        RecordingCall call = RecordingCall.get(uri);
        service.serve(call);

        assertThat(call.status()).isEqualTo(301);
        assertThat(call.header(HttpHeaderNames.LOCATION)).isEqualTo(location);
    }

    @Test
    void aListingIsTitledWithItsFullPathAndHasNoLinkOutOfTheMount() throws Exception {
        MountedService service = new MountedService("/assets", files, Optional.empty());
        RecordingCall docs = RecordingCall.get("/assets/docs/");
        service.serve(docs);
        RecordingCall top = RecordingCall.get("/assets/with%20space/");
        service.serve(top);

        assertThat(docs.text()).contains("<title>Index of /assets/docs/</title>", "href=\"../\"");
        assertThat(top.text()).contains("<title>Index of /assets/with space/</title>");
    }

    /** The files' cache knows paths as received: the mount decides which file a path names. */
    @Test
    void oneFilesServiceUnderTwoMountsKeepsTheirPathsApart() throws Exception {
        MountedService atTheRoot = new MountedService("", files, Optional.empty());
        MountedService underSite = new MountedService("/site", files, Optional.empty());

        for (int round = 0; round < 2; round++) {
            RecordingCall site = RecordingCall.get("/site/index.html");
            atTheRoot.serve(site);
            RecordingCall root = RecordingCall.get("/site/index.html");
            underSite.serve(root);

            assertThat(site.text()).isEqualTo("site home\n");
            assertThat(root.text()).isEqualTo(INDEX);
        }
    }

    @Test
    void withoutAnApplicationEverythingElseIs404() throws Exception {
        MountedService service = new MountedService("/assets", files, Optional.empty());
        RecordingCall call = RecordingCall.get("/elsewhere");

        assertThat(service.bodyMode(call.head())).isEqualTo(HttpService.BodyMode.WHOLE);
        service.serve(call);

        assertThat(call.status()).isEqualTo(404);
        assertThat(call.text()).isEqualTo("Not Found\n");
    }

    @Test
    void aPostOutsideThePrefixIsTheApplicationsAndInsideIs405() throws Exception {
        MountedService service = new MountedService("/assets", files, Optional.of(new App()));
        RecordingCall app = new RecordingCall("POST", "/api", Map.of());
        RecordingCall file = new RecordingCall("POST", "/assets/hello.txt", Map.of());
        service.serve(app);
        service.serve(file);

        assertThat(app.text()).isEqualTo(APP);
        assertThat(file.status()).isEqualTo(405);
    }

    @Test
    void drainingReachesTheApplication() {
        App app = new App();
        new MountedService("/assets", files, Optional.of(app)).drain();

        assertThat(app.drained).isTrue();
    }

    @Test
    void theSettingGivesTheFilesAloneOrAMount() {
        Path dir = tmp.resolve("www");
        assertThat(MountedService.of(new StaticMount("", dir), Optional.empty(), false, Optional.empty()))
                .isInstanceOf(StaticFiles.class);
        assertThat(MountedService.of(new StaticMount("/assets", dir), Optional.empty(), false, Optional.empty()))
                .isInstanceOf(MountedService.class);
    }

    @Test
    void aPrefixIsAPlainPath() {
        for (String prefix : new String[] {"assets", "/assets/", "/", "//a", "/./a", "/a/../b", "/a%2fb", "/a%20b", "/a?b", "/a#b"}) {
            assertThatThrownBy(() -> new MountedService(prefix, files, Optional.empty()))
                    .as(prefix).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theBodyModeFollowsTheRequestPath() {
        MountedService service = new MountedService("/assets", files, Optional.of(new App()));

        assertThat(service.bodyMode(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/assets/x")))
                .isEqualTo(HttpService.BodyMode.WHOLE);
        assertThat(service.bodyMode(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/upload")))
                .isEqualTo(HttpService.BodyMode.STREAM);
    }
}
