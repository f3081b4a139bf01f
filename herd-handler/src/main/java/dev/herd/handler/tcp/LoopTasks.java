package dev.herd.handler.tcp;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * How a connection's virtual thread hands work to the connection's event loop: everything that
 * touches the Netty channel or the loop's scoreboard counters runs there. In production it is the
 * channel's {@code EventLoop}; tests give a queue they run themselves, since an
 * {@code EmbeddedChannel}'s loop is not safe to call from another thread.
 */
@FunctionalInterface
interface LoopTasks {

    void execute(Runnable task);

    /**
     * Sends {@code task} to the loop; returns false when the loop no longer takes tasks (the
     * handler is exiting, and the connection with it).
     */
    default boolean post(Runnable task) {
        try {
            execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    static LoopTasks of(Executor executor) {
        return executor::execute;
    }
}
