package dev.herd.os;

import java.util.concurrent.locks.LockSupport;

/** A handler process's watch over its spawner: when the spawner is gone, the handler goes too. */
public final class ParentWatch {
    private static final System.Logger LOG = System.getLogger(ParentWatch.class.getName());

    private ParentWatch() {
    }

    /**
     * Asks the kernel for SIGTERM when the spawner exits, then checks that the spawner is still the
     * parent: a spawner that died between the spawn and the request would otherwise go unnoticed
     * (the process then exits with {@link ExitCode#ORPHANED}). The request needs a native call, and
     * the first one costs a cold JVM a few hundred milliseconds of generated code: a handler makes
     * it once it serves, on a thread of its own (a spawner gone during the boot is seen then).
     */
    public static void start(long spawnerPid) {
        Thread.ofPlatform().name("parent-watch").daemon().start(() -> {
            Posix.setParentDeathSignal(Signal.TERM.number());
            if (Posix.getppid() != spawnerPid) {
                LOG.log(System.Logger.Level.WARNING, "spawner " + spawnerPid + " is gone; exiting");
                System.exit(ExitCode.ORPHANED.status());
            }
            // The request belongs to this thread: the kernel signals the threads alive when the
            // parent dies that asked for it. So this thread stays, parked, for the life of the process.
            while (true) {
                LockSupport.park();
            }
        });
    }

    /** Whether the spawner is gone (or can no longer be asked). */
    public static boolean orphaned(long spawnerPid) {
        try {
            return Posix.getppid() != spawnerPid;
        } catch (OsException e) {
            return true;
        }
    }
}
