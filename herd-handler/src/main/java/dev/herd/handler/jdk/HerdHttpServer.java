package dev.herd.handler.jdk;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/**
 * An {@code HttpServer} a JDK program created, served on herd's socket. It keeps the JDK's states
 * and rules (bound by {@code create(address)} or {@link #bind}, started once, stopped for good), but
 * the address it was given only names it in a log line: herd listens on its own socket.
 */
final class HerdHttpServer extends HttpServer {
    private static final System.Logger LOG = System.getLogger(HerdHttpServer.class.getName());

    private enum State { CREATED, STARTED, STOPPED }

    private final ProgramServers program;
    private final List<HerdHttpContext> contexts = new CopyOnWriteArrayList<>();
    private final Set<Reply> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean warnedBodyLength = new AtomicBoolean();

    // Guarded by this.
    private InetSocketAddress requested;
    private boolean bound;
    private State state = State.CREATED;
    private volatile Executor executor;

    HerdHttpServer(ProgramServers program, InetSocketAddress requested) {
        this.program = program;
        this.requested = requested;
        this.bound = requested != null;
    }

    /** The address is ignored; binding twice still fails, as on the JDK. */
    @Override
    public synchronized void bind(InetSocketAddress addr, int backlog) throws BindException {
        if (bound) {
            throw new BindException("HttpServer already bound");
        }
        Objects.requireNonNull(addr, "null address");
        requested = addr;
        bound = true;
    }

    @Override
    public void start() {
        InetSocketAddress asked;
        synchronized (this) {
            if (!bound || state != State.CREATED) {
                throw new IllegalStateException("server in wrong state: "
                        + (bound ? state.name().toLowerCase(Locale.ROOT) : "not bound (call bind first)"));
            }
            state = State.STARTED;
            asked = requested;
        }
        program.started(this, asked);
    }

    @Override
    public synchronized void setExecutor(Executor executor) {
        if (state != State.CREATED) {
            throw new IllegalStateException("server already started");
        }
        this.executor = executor;
    }

    /** The program's executor, or null: herd then runs each exchange on a virtual thread of its own. */
    @Override
    public Executor getExecutor() {
        return executor;
    }

    /**
     * No new exchanges from now on; waits up to {@code delay} seconds for the ones in flight to
     * end, then ends the rest (500 if they had not answered yet, else their connection is cut), as
     * the JDK closes its connections. herd's socket stays open: it is not the program's.
     */
    @Override
    public void stop(int delay) {
        if (delay < 0) {
            throw new IllegalArgumentException("negative delay parameter");
        }
        List<Reply> pending;
        synchronized (this) {
            if (state == State.STOPPED) {
                return;
            }
            boolean wasStarted = state == State.STARTED;
            state = State.STOPPED;
            pending = List.copyOf(inFlight);
            if (!wasStarted) {
                return;
            }
        }
        program.stopped(this);
        try {
            CompletableFuture.allOf(pending.stream().map(r -> r.done().toCompletableFuture())
                    .toArray(CompletableFuture[]::new)).get(delay, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // The ones still running are ended below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Reply reply : pending) {
            reply.abort("its HttpServer stopped");
        }
    }

    @Override
    public HttpContext createContext(String path, HttpHandler handler) {
        if (path == null || handler == null) {
            throw new NullPointerException("null handler, or path parameter");
        }
        return add(new HerdHttpContext(path, handler, this));
    }

    @Override
    public HttpContext createContext(String path) {
        Objects.requireNonNull(path, "null path parameter");
        return add(new HerdHttpContext(path, null, this));
    }

    @Override
    public synchronized void removeContext(String path) {
        Objects.requireNonNull(path, "null path parameter");
        HerdHttpContext context = exact(path);
        if (context == null) {
            throw new IllegalArgumentException("no context for path " + path);
        }
        contexts.remove(context);
    }

    @Override
    public synchronized void removeContext(HttpContext context) {
        Objects.requireNonNull(context, "null context parameter");
        if (!(context instanceof HerdHttpContext) || !contexts.remove(context)) {
            throw new IllegalArgumentException("no such context in this server: " + context.getPath());
        }
    }

    /** herd's listening address; null when herd listens on a Unix-domain socket. */
    @Override
    public InetSocketAddress getAddress() {
        return program.address();
    }

    /**
     * The context whose path is the longest prefix of {@code path}, as the JDK chooses: plain string
     * prefixes, case-sensitive, so {@code /app} serves {@code /application} too.
     */
    HerdHttpContext longest(String path) {
        HerdHttpContext found = null;
        for (HerdHttpContext context : contexts) {
            String prefix = context.getPath();
            if (path.startsWith(prefix) && (found == null || prefix.length() > found.getPath().length())) {
                found = context;
            }
        }
        return found;
    }

    List<String> paths() {
        return contexts.stream().map(HerdHttpContext::getPath).toList();
    }

    /** Counts an exchange in, unless the server stopped; {@link #stop} waits for those counted. */
    synchronized boolean admit(Reply reply) {
        if (state != State.STARTED) {
            return false;
        }
        inFlight.add(reply);
        reply.done().whenComplete((ignored, error) -> inFlight.remove(reply));
        return true;
    }

    /**
     * The JDK logs a warning on every such call; a busy server would repeat it for every request,
     * so here the first is a warning and the rest go to DEBUG.
     */
    void warnBodyLengthIgnored(String request, int status, long length) {
        String message = request + ": sendResponseHeaders(" + status + ", " + length + "): a response "
                + (status < 200 || status == 204 || status == 304 ? "with status " + status : "to HEAD")
                + " has no body; the length is ignored";
        if (warnedBodyLength.compareAndSet(false, true)) {
            LOG.log(WARNING, message + " (further ones are logged at DEBUG)");
        } else {
            LOG.log(DEBUG, message);
        }
    }

    private synchronized HerdHttpContext add(HerdHttpContext context) {
        if (exact(context.getPath()) != null) {
            throw new IllegalArgumentException("a context already exists for path " + context.getPath());
        }
        contexts.add(context);
        return context;
    }

    private HerdHttpContext exact(String path) {
        for (HerdHttpContext context : contexts) {
            if (context.getPath().equals(path)) {
                return context;
            }
        }
        return null;
    }
}
