package dev.herd.handler.tcp;

import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.Response;
import dev.herd.api.TcpApp;
import dev.herd.api.TcpConnection;
import dev.herd.config.Config;
import dev.herd.config.HandlerSettings;
import dev.herd.handler.app.BootFailure;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Booting {@code --protocol tcp}: the application is loaded from {@code --classpath} (here, this
 * module's test classes) in a loader of its own, checked, and started; a wrong one is one line.
 */
class TcpPipelineTest {
    private static final dev.herd.api.HandlerContext CONTEXT =
            new dev.herd.api.HandlerContext(1, 3, 1, java.util.List.of());


    /** An HTTP application given to --protocol tcp. */
    public static final class SomeHttpApp implements HttpApp {
        @Override
        public Response handle(dev.herd.api.Request request) {
            return Response.text("hi");
        }
    }

    /** Records its hooks, and the thread's context loader there, in system properties (it lives in another loader). */
    public static final class HookedTcpApp implements TcpApp {
        @Override
        public void start(HandlerContext context) {
            System.setProperty("herd.test.tcp.start", loaderName() + " slot " + context.slot());
        }

        @Override
        public void serve(TcpConnection connection) {
        }

        @Override
        public void stop(HandlerContext context) {
            System.setProperty("herd.test.tcp.stop", loaderName());
        }

        private static String loaderName() {
            return Thread.currentThread().getContextClassLoader().getName();
        }
    }

    public static final class FailingStartApp implements TcpApp {
        @Override
        public void start(HandlerContext context) {
            throw new IllegalStateException("no database");
        }

        @Override
        public void serve(TcpConnection connection) {
        }
    }

    private static Config config(String app) throws Exception {
        Path classes = Path.of(TcpPipelineTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return Config.fromArguments(HandlerSettings.ALL,
                List.of("app=" + app, "classpath=" + classes, "protocol=tcp", "slot=3"));
    }

    @Test
    void anHttpApplicationIsABootFailureOfOneClearLine() {
        assertThatThrownBy(() -> TcpPipeline.boot(config(SomeHttpApp.class.getName()), CONTEXT))
                .isInstanceOf(BootFailure.class)
                .hasMessage("application class " + SomeHttpApp.class.getName()
                        + " is an HTTP application: use --protocol http")
                .hasNoCause();
    }

    @Test
    void theBuiltInDemoIsAnHttpApplicationToo() {
        assertThatThrownBy(() -> TcpPipeline.boot(config("demo"), CONTEXT))
                .isInstanceOf(BootFailure.class)
                .hasMessage("--app demo is an HTTP application: use --protocol http");
    }

    @Test
    void aFailingStartHookIsABootFailureWithTheApplicationsException() {
        assertThatThrownBy(() -> TcpPipeline.boot(config(FailingStartApp.class.getName()), CONTEXT))
                .isInstanceOf(BootFailure.class)
                .hasMessageContaining("its start hook failed")
                .hasRootCauseMessage("no database");
    }

    @Test
    void hooksRunWithTheApplicationsOwnLoader() throws Exception {
        TcpPipeline pipeline = TcpPipeline.boot(config(HookedTcpApp.class.getName()), CONTEXT);
        assertThat(System.getProperty("herd.test.tcp.start")).isEqualTo("app slot 3");
        pipeline.stop();
        assertThat(System.getProperty("herd.test.tcp.stop")).isEqualTo("app");
    }
}
