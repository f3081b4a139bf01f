package dev.herd.handler.jdk;

import com.sun.net.httpserver.spi.HttpServerProvider;
import dev.herd.api.HandlerContext;
import dev.herd.handler.http.HttpService;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.SocketAddress;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;

/**
 * The boot step of a handler that runs an unmodified JDK {@code HttpServer} program
 * ({@code --main CLASS}): installs herd's {@link HerdHttpServerProvider}, runs the program's
 * {@code main} as the {@code java} launcher would, and returns, as the handler's
 * {@link HttpService}, the servers the program started.
 *
 * <p>{@code main} runs on a platform thread named {@code main} whose context class loader is the
 * application's. Most programs start their server and return; some keep {@code main} for a loop of
 * their own, which is fine: the handler is ready as soon as one server is started. An exception
 * that {@code main} throws after that is logged and the servers keep serving, as on the JDK, where
 * the main thread's death does not stop the server's threads.
 */
public final class JdkProgram {
    private static final System.Logger LOG = System.getLogger(JdkProgram.class.getName());
    /** The system property through which the JDK finds its {@code HttpServerProvider}. */
    public static final String PROVIDER_PROPERTY = "com.sun.net.httpserver.HttpServerProvider";
    private static final String EXPECTED = "; herd runs public static void main(String[] args)";

    private JdkProgram() {
    }

    /**
     * Runs {@code mainClass}'s {@code main(args)} and waits until it has started an
     * {@code HttpServer}.
     *
     * @param loader    the application's class loader ({@code --classpath})
     * @param mainClass the binary name of the class with {@code public static void main(String[])}
     * @param args      the program's arguments (those after {@code --})
     * @param listening herd's listening address, which the program's servers report as theirs
     * @param handler   the handler process running the program
     * @return what serves the program's contexts on herd's socket
     * @throws BootException if the class or its {@code main} cannot be found, or {@code main} throws
     *                       or returns before any server is started; its message is one line that
     *                       names the class and the reason
     */
    public static HttpService start(ClassLoader loader, String mainClass, List<String> args,
                                    SocketAddress listening, HandlerContext handler) throws BootException {
        installProvider(mainClass);
        ProgramServers program = new ProgramServers(listening);
        HerdHttpServerProvider.install(program);
        Method main = mainMethod(loader, mainClass);

        CompletableFuture<Void> ran = new CompletableFuture<>();
        String[] arguments = args.toArray(String[]::new);
        Thread thread = Thread.ofPlatform().name("main").unstarted(() -> run(main, arguments, ran));
        thread.setContextClassLoader(loader);
        thread.start();

        CompletableFuture<Void> started = program.firstStart().toCompletableFuture();
        try {
            CompletableFuture.anyOf(started, ran).exceptionally(e -> null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BootException(mainClass, "interrupted while waiting for main to start an HttpServer", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("exceptionally() let a failure through", e);
        }
        // start() completes 'started' before main can return, so a program that started its
        // server and returned is seen as started here.
        if (started.isDone()) {
            ran.whenComplete((ignored, late) -> {
                if (late != null) {
                    LOG.log(ERROR, mainClass + ": main threw after its HttpServer started; the server keeps serving",
                            late);
                }
            });
            LOG.log(INFO, "JDK program " + mainClass + " started its HttpServer (handler slot " + handler.slot()
                    + ", generation " + handler.generation() + ")");
            return program;
        }
        if (ran.state() == Future.State.FAILED) {
            Throwable failure = ran.exceptionNow();
            String what = failure instanceof ExceptionInInitializerError init && init.getCause() != null
                    ? "its static initializer threw " + init.getCause()
                    : "main threw " + failure;
            throw new BootException(mainClass, what, failure);
        }
        throw new BootException(mainClass, "main returned without starting an HttpServer ("
                + (program.created() == 0 ? "HttpServer.create was never called)"
                : "it created " + program.created() + " and never called start())"), null);
    }

    private static void run(Method main, String[] args, CompletableFuture<Void> ran) {
        try {
            main.invoke(null, (Object) args);
            ran.complete(null);
        } catch (InvocationTargetException e) {
            ran.completeExceptionally(e.getCause());
        } catch (Throwable t) {
            // ExceptionInInitializerError (the class's static initializer) comes here.
            ran.completeExceptionally(t);
        }
    }

    /**
     * The JDK decides its provider once, on the first {@code HttpServer.create}: the property
     * must be set before that, and is checked to have won.
     */
    private static void installProvider(String mainClass) throws BootException {
        System.setProperty(PROVIDER_PROPERTY, HerdHttpServerProvider.class.getName());
        HttpServerProvider chosen;
        try {
            chosen = HttpServerProvider.provider();
        } catch (ServiceConfigurationError | RuntimeException e) {
            throw new BootException(mainClass, "the JDK cannot load herd's HttpServerProvider: " + e, e);
        }
        if (!(chosen instanceof HerdHttpServerProvider)) {
            throw new BootException(mainClass, "the JDK had chosen HttpServer provider " + chosen.getClass().getName()
                    + " before herd could install its own", null);
        }
    }

    /** The method the {@code java} launcher would call, or why there is none. */
    private static Method mainMethod(ClassLoader loader, String mainClass) throws BootException {
        Class<?> type;
        Method main;
        try {
            type = Class.forName(mainClass, false, loader);
            main = publicOrDeclared(type);
        } catch (ClassNotFoundException e) {
            throw new BootException(mainClass, "class not found in the application's class path", e);
        } catch (LinkageError e) {
            throw new BootException(mainClass, "cannot load the class: " + e, e);
        }
        if (main == null) {
            throw new BootException(mainClass, "no method main(String[])" + EXPECTED, null);
        }
        if (!Modifier.isPublic(main.getModifiers())) {
            throw new BootException(mainClass, "main(String[]) is not public" + EXPECTED, null);
        }
        if (!Modifier.isStatic(main.getModifiers())) {
            throw new BootException(mainClass, "main(String[]) is not static" + EXPECTED, null);
        }
        if (main.getReturnType() != void.class) {
            throw new BootException(mainClass, "main(String[]) returns " + main.getReturnType().getName()
                    + ", not void" + EXPECTED, null);
        }
        // The launcher runs main of a class that is not public too; reflection needs permission.
        if (!main.trySetAccessible()) {
            throw new BootException(mainClass, "main(String[]) is not accessible to herd", null);
        }
        return main;
    }

    /** A public main (maybe inherited, as the launcher accepts), else a declared one, else null. */
    private static Method publicOrDeclared(Class<?> type) {
        try {
            return type.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            try {
                return type.getDeclaredMethod("main", String[].class);
            } catch (NoSuchMethodException notDeclared) {
                return null;
            }
        }
    }

    /** The program could not be started; the message is one line, for the handler's boot failure log. */
    public static final class BootException extends Exception {
        private static final long serialVersionUID = 1L;

        BootException(String mainClass, String problem, Throwable cause) {
            super("JDK program " + mainClass + ": " + problem.replace('\n', ' '), cause);
        }
    }
}
