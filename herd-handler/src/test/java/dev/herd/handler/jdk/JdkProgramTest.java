package dev.herd.handler.jdk;

import com.sun.net.httpserver.HttpServer;
import dev.herd.api.HandlerContext;
import dev.herd.handler.http.HttpService;
import dev.herd.handler.jdk.programs.BrokenInitializerProgram;
import dev.herd.handler.jdk.programs.HelloProgram;
import dev.herd.handler.jdk.programs.HttpsProgram;
import dev.herd.handler.jdk.programs.InstanceMainProgram;
import dev.herd.handler.jdk.programs.LateThrowingProgram;
import dev.herd.handler.jdk.programs.PackagePrivateMainProgram;
import dev.herd.handler.jdk.programs.ThrowingProgram;
import dev.herd.handler.jdk.programs.UnstartedProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Booting JDK programs from the test sources, as a handler boots the one named by --main. */
class JdkProgramTest {
    private static final HandlerContext HANDLER = new HandlerContext(4242, 3, 7, List.of());

    private final ClassLoader testLoader = getClass().getClassLoader();

    private static HttpService start(ClassLoader loader, Class<?> program, String... args)
            throws JdkProgram.BootException {
        return start(loader, program.getName(), args);
    }

    private static HttpService start(ClassLoader loader, String program, String... args)
            throws JdkProgram.BootException {
        return JdkProgram.start(loader, program, List.of(args), Fixture.HERD, HANDLER);
    }

    private static FakeCall serve(HttpService service, String uri) throws Exception {
        FakeCall call = FakeCall.request("GET", uri);
        service.serve(call);
        return call.await();
    }

    @Test
    void aProgramThatStartsItsServerIsServedFromItsOwnLoaderAndMainThread() throws Exception {
        URL testClasses = HelloProgram.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader application = new URLClassLoader(new URL[] {testClasses},
                ClassLoader.getPlatformClassLoader())) {
            HttpService service = start(application, HelloProgram.class, "big", "world");

            FakeCall call = serve(service, "/");

            assertThat(call.status()).isEqualTo(200);
            assertThat(call.text()).isEqualTo("hello big world; main ran on main; context loader is the program's: true;"
                    + " address " + Fixture.HERD);
            assertThat(application.loadClass(HelloProgram.class.getName())).isNotSameAs(HelloProgram.class);
        }
    }

    @Test
    void httpServerCreateGoesToTheInstalledProgram() throws Exception {
        start(testLoader, HelloProgram.class);

        HttpServer server = HttpServer.create();

        assertThat(server).isInstanceOf(HerdHttpServer.class);
        assertThat(server.getAddress()).isEqualTo(Fixture.HERD);
    }

    /** A program that cannot boot, and the one line the handler logs about it. */
    static Stream<Arguments> failures() {
        String expected = "; herd runs public static void main(String[] args)";
        return Stream.of(
                Arguments.of(ThrowingProgram.class.getName(),
                        "main threw java.lang.IllegalStateException: no configuration found"),
                Arguments.of(UnstartedProgram.class.getName(),
                        "main returned without starting an HttpServer (it created 1 and never called start())"),
                Arguments.of("com.example.Missing", "class not found in the application's class path"),
                Arguments.of(InstanceMainProgram.class.getName(), "main(String[]) is not static" + expected),
                Arguments.of(PackagePrivateMainProgram.class.getName(), "main(String[]) is not public" + expected),
                Arguments.of(JdkProgramTest.class.getName(), "no method main(String[])" + expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aProgramThatCannotBootFailsWithOneLineNamingClassAndCause(String program, String problem) {
        assertThatThrownBy(() -> start(testLoader, program))
                .isInstanceOf(JdkProgram.BootException.class)
                .hasMessage("JDK program " + program + ": " + problem);
    }

    @Test
    void aMainThatThrowsGivesItsExceptionAsTheCause() {
        assertThatThrownBy(() -> start(testLoader, ThrowingProgram.class))
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMainThatThrowsAfterStartingItsServerStillServes() throws Exception {
        HttpService service = start(testLoader, LateThrowingProgram.class);

        assertThat(serve(service, "/").status()).isEqualTo(204);
    }

    @Test
    void aBrokenStaticInitializerFailsTheBootWithItsCause() {
        assertThatThrownBy(() -> start(testLoader, BrokenInitializerProgram.class))
                .isInstanceOf(JdkProgram.BootException.class)
                .hasMessageStartingWith("JDK program " + BrokenInitializerProgram.class.getName()
                        + ": its static initializer threw java.lang.NumberFormatException");
    }

    @Test
    void anHttpsServerIsRefusedWithTheReason() {
        assertThatThrownBy(() -> start(testLoader, HttpsProgram.class))
                .isInstanceOf(JdkProgram.BootException.class)
                .hasMessageContaining("main threw java.io.IOException")
                .hasMessageContaining("herd serves plain HTTP: terminate TLS in front of it");
    }

    @Test
    void withoutAnInstalledProgramTheProviderRefuses() {
        HerdHttpServerProvider.install(null);

        assertThatThrownBy(() -> new HerdHttpServerProvider().createHttpServer(null, 0))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("none is running here");
    }
}
