package dev.herd.handler.app;

import dev.herd.api.App;
import dev.herd.api.AsyncHttpApp;
import dev.herd.api.AsyncTcpApp;
import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.TcpApp;
import dev.herd.api.WarmupRequest;
import dev.herd.handler.demo.DemoApp;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.List;

/** Making an application instance from its class name, and starting it: every way it can fail is one clear line. */
public final class Applications {
    private static final System.Logger LOG = System.getLogger(Applications.class.getName());
    private static final String FORMS = "dev.herd.api.HttpApp, AsyncHttpApp, TcpApp or AsyncTcpApp";

    private Applications() {
    }

    /** Loads {@code className} from {@code loader} and creates it through its public no-argument constructor. */
    public static App instantiate(ClassLoader loader, String className, String classPath) throws BootFailure {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new BootFailure("application class " + className + " not found on --classpath " + classPath);
        } catch (LinkageError e) {
            throw new BootFailure("application class " + className + " cannot be loaded: " + e);
        }
        if (!App.class.isAssignableFrom(type)) {
            throw new BootFailure("application class " + className + " does not implement " + FORMS);
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new BootFailure("application class " + className + " is abstract: herd needs a concrete class");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new BootFailure("application class " + className + " has no public no-argument constructor");
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            return (App) constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new BootFailure("application class " + className + ": its constructor threw " + e.getCause(),
                    e.getCause());
        } catch (IllegalAccessException e) {
            throw new BootFailure("application class " + className + " is not public");
        } catch (InstantiationException | LinkageError e) {
            throw new BootFailure("application class " + className + " cannot be created: " + e, e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** An application and the class loader its code runs with. */
    public record Loaded(App app, ClassLoader loader) {
    }

    /**
     * Creates {@code --app}: the built-in demo with herd's own loader, else {@code className} from
     * {@code classPath} in a class loader of its own ({@link AppClassLoader}).
     */
    public static Loaded load(String className, List<String> classPath) throws BootFailure {
        if (className.equals("demo")) {
            return new Loaded(new DemoApp(), Applications.class.getClassLoader());
        }
        AppClassLoader loader = AppClassLoader.of(classPath);
        return new Loaded(instantiate(loader, className, String.join(java.io.File.pathSeparator, classPath)), loader);
    }

    /** Runs the application's start hook; a failure there is a boot failure. */
    public static void start(App app, HandlerContext context, ClassLoader loader) throws BootFailure {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            app.start(context);
        } catch (Exception | LinkageError e) {
            throw new BootFailure("application " + app.getClass().getName() + ": its start hook failed: " + e, e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /**
     * The requests the application asks to be warmed with ({@link dev.herd.api.WarmupRequest});
     * none for a TCP application. A failure is a boot failure: the application's own code is broken.
     */
    public static List<WarmupRequest> warmup(App app, ClassLoader loader) throws BootFailure {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            List<WarmupRequest> requests = switch (app) {
                case HttpApp http -> http.warmup();
                case AsyncHttpApp async -> async.warmup();
                case TcpApp tcp -> List.of();
                case AsyncTcpApp tcp -> List.of();
            };
            if (requests == null || requests.stream().anyMatch(java.util.Objects::isNull)) {
                throw new BootFailure("application " + app.getClass().getName()
                        + ": warmup() returned null or a null request; return List.of() for none");
            }
            return List.copyOf(requests);
        } catch (RuntimeException | LinkageError e) {
            throw new BootFailure("application " + app.getClass().getName() + ": warmup() failed: " + e, e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** Runs the application's stop hook: the handler drains. A failure is logged, not thrown. */
    public static void stop(App app, HandlerContext context, ClassLoader loader) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            app.stop(context);
        } catch (Exception | LinkageError e) {
            LOG.log(System.Logger.Level.ERROR, "application " + app.getClass().getName() + ": its stop hook failed", e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
