package dev.herd.handler.jdk;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.spi.HttpServerProvider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * herd's {@link HttpServerProvider}: {@code HttpServer.create(...)} in a JDK program gives a server
 * served on herd's shared socket. {@link JdkProgram} names this class in the system property
 * {@code com.sun.net.httpserver.HttpServerProvider}, and the JDK instantiates it through the system
 * class loader, which holds herd's classes.
 *
 * <p>The JDK chooses its provider once per JVM and keeps that instance for ever. So the instance
 * holds nothing: it creates servers for whichever program is {@linkplain #install installed} now.
 * A handler installs one program, once; a test JVM installs a fresh one for every test.
 */
public final class HerdHttpServerProvider extends HttpServerProvider {
    private static final AtomicReference<ProgramServers> INSTALLED = new AtomicReference<>();

    /** Called by the JDK, reflectively. */
    public HerdHttpServerProvider() {
    }

    /** Makes {@code program} the one that {@code HttpServer.create} creates servers for. */
    static void install(ProgramServers program) {
        INSTALLED.set(program);
    }

    /** The address and backlog are the program's wish; herd's socket and backlog are what it gets. */
    @Override
    public HttpServer createHttpServer(InetSocketAddress addr, int backlog) throws IOException {
        ProgramServers program = INSTALLED.get();
        if (program == null) {
            throw new IOException("herd's HttpServerProvider serves programs started by herd (--main); none is running here");
        }
        return program.create(addr);
    }

    /** herd speaks plain HTTP; TLS belongs to a proxy or load balancer in front of it. */
    @Override
    public HttpsServer createHttpsServer(InetSocketAddress addr, int backlog) throws IOException {
        throw new IOException("HttpsServer is not supported: herd serves plain HTTP: terminate TLS in front of it");
    }
}
