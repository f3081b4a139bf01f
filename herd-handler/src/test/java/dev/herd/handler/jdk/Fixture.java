package dev.herd.handler.jdk;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;

/** One program's servers as a test drives them: created, given contexts, served fake calls. */
final class Fixture {
    /** Where herd listens, as the handler would say. */
    static final InetSocketAddress HERD = new InetSocketAddress("127.0.0.1", 8080);
    /** What the programs of these tests ask for, and never get. */
    static final InetSocketAddress ASKED = new InetSocketAddress(8000);

    final ProgramServers program = new ProgramServers(HERD);

    HttpServer server() {
        return program.create(ASKED);
    }

    /** A started server with one context. */
    HttpContext serve(String path, HttpHandler handler) {
        HttpServer server = server();
        HttpContext context = server.createContext(path, handler);
        server.start();
        return context;
    }

    /** Serves the call as the pipeline would, and waits until it is ended. */
    FakeCall call(FakeCall call) {
        program.serve(call);
        return call.await();
    }

    FakeCall get(String uri) {
        return call(FakeCall.request("GET", uri));
    }
}
