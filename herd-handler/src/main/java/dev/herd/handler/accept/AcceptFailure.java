package dev.herd.handler.accept;

import dev.herd.os.Posix;
import io.netty.channel.unix.Errors;

import java.io.IOException;
import java.util.Locale;

/**
 * What a failed {@code accept()} means for the loop that called it. The JDK reports the errno of
 * a failed accept only as the message of an {@link IOException} (libc's strerror text), so that
 * text is what is classified.
 */
public enum AcceptFailure {
    /**
     * ECONNABORTED / EPROTO: the client gave up between the kernel queueing its connection and our
     * accept. Nothing to do but try the next one.
     */
    CONNECTION_ABORTED,
    /**
     * EMFILE / ENFILE / ENOBUFS / ENOMEM: no descriptor or memory for a new connection. The pending
     * connection stays queued, so the socket stays readable and retrying at once would spin: the
     * loop stops accepting for a while and serves the connections it has.
     */
    OUT_OF_RESOURCES,
    /** Anything else: logged, and accepting pauses briefly so that a persistent error cannot spin. */
    OTHER;

    /**
     * What went wrong, as libc says it ("Too many open files"): the JDK's message, or the text of
     * the errno of Netty's native transport (whose message adds the call and the number).
     */
    public static String describe(IOException e) {
        if (e instanceof Errors.NativeIoException nativeError) {
            return Posix.strerror(Math.abs(nativeError.expectedErr()));
        }
        return String.valueOf(e.getMessage());
    }

    public static AcceptFailure classify(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("connection abort") || message.contains("protocol error")) {
            return CONNECTION_ABORTED;
        }
        if (message.contains("too many open files") || message.contains("no buffer space")
                || message.contains("cannot allocate memory")) {
            return OUT_OF_RESOURCES;
        }
        return OTHER;
    }
}
