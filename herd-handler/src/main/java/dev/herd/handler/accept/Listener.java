package dev.herd.handler.accept;

import io.netty.channel.Channel;
import io.netty.channel.IoHandle;
import io.netty.channel.IoOps;

import java.io.IOException;

/**
 * One event loop's registration on the shared listening socket, in the terms of the loop's
 * transport: the handle the loop polls, the interest that means "tell me when a connection is
 * pending" and the one that means "not now", and the accept itself.
 */
sealed interface Listener permits NioListener, EpollListener {

    /** What the loop registers; it calls back its {@link AcceptWatch} when the socket is readable. */
    IoHandle handle();

    /** The interest to submit while watching for connections. */
    IoOps accepting();

    /** The interest to submit while not accepting (paused or on standby): none that a listening socket raises. */
    IoOps paused();

    /**
     * Whether pausing means leaving the poll set and registering anew to resume, because the
     * registration's interest cannot be changed (an exclusive wait).
     */
    default boolean pausesByLeaving() {
        return false;
    }

    /**
     * Accepts one pending connection: a channel of the loop's transport, not yet registered, or
     * null if there was none (another loop or handler won the race).
     */
    Channel accept() throws IOException;
}
