package dev.herd.os;

/**
 * One log line format for every herd process, so that the spawner's and its handlers' lines,
 * interleaved on the same standard error, read as one log: time, level, process, message.
 */
public final class ProcessLog {
    private ProcessLog() {
    }

    /**
     * Sets the {@code System.Logger} (java.util.logging) line format. Call first in main, before
     * anything logs.
     *
     * @param process e.g. "spawner" or "handler 2"
     */
    public static void configure(String process) {
        String tag = (process + " " + ProcessHandle.current().pid()).replace("%", "%%");
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tF %1$tT.%1$tL %4$-7s [" + tag + "] %5$s%6$s%n");
    }
}
