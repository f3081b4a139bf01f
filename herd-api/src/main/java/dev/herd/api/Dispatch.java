package dev.herd.api;

/** Where herd runs an {@link HttpApp}'s code: the application's declared choice, never a guess. */
public enum Dispatch {
    /**
     * On the event loop that owns the connection: the fastest, for code that never blocks. A
     * blocking call here stalls every connection of that loop, and a loop that stops reporting
     * for {@code --timeout} is taken for hung: the spawner dumps its threads and kills it.
     */
    EVENT_LOOP,

    /**
     * On a virtual thread of its own per request: for code that may block (JDBC, files, remote
     * calls, {@code Thread.sleep}). The request body can be read as it arrives; the response is
     * written back on the event loop. The default.
     */
    VIRTUAL_THREAD
}
