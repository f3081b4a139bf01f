/**
 * The bridge between a connection's event loop and a thread that may block (a virtual thread
 * running application code): the one place where bytes cross from one to the other, with the
 * locking, the waiting, the water marks and the release of buffers that takes.
 *
 * <ul>
 *   <li>{@link dev.herd.handler.bridge.InboundStream}: what the loop reads from the socket, as an
 *       {@code InputStream} for the thread (an HTTP request body streamed as it arrives, a
 *       {@code TcpApp}'s input).</li>
 *   <li>{@link dev.herd.handler.bridge.OutboundStream}: what the thread writes, as an
 *       {@code OutputStream} whose chunks the loop sends (a streamed HTTP response body, a
 *       {@code TcpApp}'s output).</li>
 * </ul>
 *
 * <p>Both are protocol-blind: what a protocol adds (HTTP's declared length and HEAD, TCP's
 * close-ends-the-connection and its scoreboard turns) sits on top, in {@code http} and {@code tcp}.
 * Each method's Javadoc says which thread calls it.
 */
package dev.herd.handler.bridge;
