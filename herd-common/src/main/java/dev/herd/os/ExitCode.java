package dev.herd.os;

/**
 * Exit statuses of herd's processes: a documented contract (docs/operations.md, "Exit codes") that scripts
 * and supervisors such as systemd rely on.
 */
public enum ExitCode {
    /** Normal end: a graceful stop finished. */
    OK(0),
    /** An unexpected internal error. */
    FAILURE(1),
    /** Bad command line or configuration, or the address could not be bound. Retrying will not help. */
    CONFIG(2),
    /** Handlers kept failing while booting; the spawner gave up instead of looping. */
    BOOT_FAILURE(3),
    /** A handler found its spawner gone and exited. */
    ORPHANED(4),
    /** The OS refused the spawner what it needs at start (the scoreboard's shared memory). */
    NO_RESOURCES(5);

    private final int status;

    ExitCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
