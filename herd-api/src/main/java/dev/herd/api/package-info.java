/**
 * The API of applications that herd runs: what user code compiles against. It depends on the
 * JDK only; herd's runtime (Netty, the scoreboard, ...) stays out of the application's class path.
 *
 * <p>An application is a class implementing one of the forms of {@link dev.herd.api.App}, with a
 * public no-argument constructor. herd loads it in every handler process, in a class loader of its
 * own that sees this package, the JDK and the application's {@code --classpath}:
 *
 * <pre>{@code
 * package com.example;
 *
 * import dev.herd.api.*;
 *
 * public final class Greeter implements HttpApp {
 *     private DataSource db;
 *
 *     @Override
 *     public void start(HandlerContext handler) throws Exception {
 *         db = openPool();               // before the handler accepts; a failure fails its boot
 *     }
 *
 *     @Override
 *     public Response handle(Request request) throws Exception {
 *         if (!request.path().equals("/greet")) {
 *             return Response.text(404, "Not Found\n");
 *         }
 *         String name = request.query("name").orElse("World");
 *         return Response.json("{\"greeting\":\"Hello, " + name + "\"}");  // may block: virtual thread
 *     }
 *
 *     @Override
 *     public void stop(HandlerContext handler) {
 *         db.close();                    // the handler drains
 *     }
 * }
 * }</pre>
 *
 * <pre>
 * ./herd serve --app com.example.Greeter --classpath greeter.jar:lib/*
 * </pre>
 *
 * <p>{@link dev.herd.api.HttpApp} runs on a virtual thread per request unless it declares
 * {@link dev.herd.api.Dispatch#EVENT_LOOP}; {@link dev.herd.api.AsyncHttpApp} runs on the event loop and
 * answers with a stage; {@link dev.herd.api.TcpApp} and {@link dev.herd.api.AsyncTcpApp} serve raw
 * TCP connections ({@code --protocol tcp}) in the same two styles.
 */
package dev.herd.api;
