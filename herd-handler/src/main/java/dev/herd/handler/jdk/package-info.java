/**
 * Unmodified JDK {@code com.sun.net.httpserver} programs on herd ({@code herd serve --main CLASS}).
 *
 * <p>{@link dev.herd.handler.jdk.JdkProgram} installs {@link dev.herd.handler.jdk.HerdHttpServerProvider}
 * and runs the program's {@code main} in every handler; {@code HttpServer.create(...)} then gives a
 * server whose contexts are served on herd's shared socket, through the pipeline's
 * {@link dev.herd.handler.http.HttpCall} in streaming body mode.
 *
 * <p>What follows the JDK (its source, {@code sun.net.httpserver}, was read to learn the rules; no
 * code of it is here or called): server states ({@code bind} twice is a {@code BindException},
 * {@code start} needs an address and works once, {@code setExecutor} only before it); context rules
 * (a path starts with '/', one context per path, the longest plain prefix of the decoded request
 * path wins, case-sensitive); 404 with the JDK's page when no context matches, 500 when the context
 * has no handler; filters, then the authenticator, then the handler; {@code sendResponseHeaders}'s
 * -1 / 0 / N lengths, "headers already sent", "too many bytes to write to stream", "insufficient
 * bytes written to stream" with a cut connection, no body for HEAD, 1xx, 204 and 304 (a length
 * given for them is logged and ignored); read-only request headers with the JDK's name
 * normalisation; closing the response closes the request body.
 *
 * <p>Where herd differs, and why:
 * <ul>
 *   <li>The address and backlog a program asks for are logged and ignored; {@code getAddress()} is
 *       herd's (null on a Unix-domain socket, where peers read as loopback, port 0).</li>
 *   <li>Without an executor, each exchange runs on a virtual thread of its own, concurrently; the
 *       JDK runs them one at a time on its dispatcher thread. An executor that runs tasks inline is
 *       not allowed to run them on herd's event loop.</li>
 *   <li>Several started servers share herd's socket; their contexts are searched together, the
 *       server started first winning a tie.</li>
 *   <li>A handler's exception answers 500 (413 for a body over {@code --max-body}) when nothing was
 *       sent yet, else cuts the connection; the JDK closes the connection in both cases. Closing an
 *       exchange before {@code sendResponseHeaders} answers 500 where the JDK closes silently.</li>
 *   <li>Exchange attributes are the exchange's own, falling back to the context's; the JDK shares
 *       the context's map between all exchanges, which concurrency would turn into a leak.</li>
 *   <li>An exchange never closed and no longer reachable is ended (500 or a cut) once collected; the
 *       JDK leaves that client waiting. A fixed-length response is complete at its last byte.</li>
 *   <li>A body that fits 32 KiB goes out with {@code Content-Length}, even when the program asked
 *       for chunked (length 0); {@code flush()} still pushes bytes at once, as chunks.</li>
 *   <li>{@code HttpsServer.create} fails with an {@code IOException}: TLS belongs in front of herd.</li>
 *   <li>{@code stop(delay)} ends what still runs after the delay, then the handler answers 503 until
 *       a server starts again; herd's socket stays open.</li>
 * </ul>
 */
package dev.herd.handler.jdk;
