package dev.herd.scoreboard;

/** A slot's life as its handler writes it. Idle and busy are told apart by requests in flight. */
public enum SlotState {
    /** No handler owns the slot. */
    EMPTY,
    /** The handler process is booting: not yet watching the socket. */
    STARTING,
    /** Every event loop watches the socket. */
    READY,
    /** No longer accepting; finishing the requests it has. */
    DRAINING,
    /** Booted and warm, but not watching the socket until the spawner activates it (SIGUSR1). */
    STANDBY;

    static SlotState of(int code) {
        SlotState[] all = values();
        return code >= 0 && code < all.length ? all[code] : EMPTY;
    }
}
