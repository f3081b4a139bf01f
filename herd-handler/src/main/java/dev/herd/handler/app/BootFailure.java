package dev.herd.handler.app;

/**
 * Why a handler cannot boot, as the one line its log shows (naming the class and the cause). When
 * the application's own code failed (its constructor or start hook), the cause is attached and
 * its stack trace is logged below that line: it is the application developer's lead.
 */
public final class BootFailure extends Exception {
    private static final long serialVersionUID = 1L;

    public BootFailure(String line) {
        super(line);
    }

    public BootFailure(String line, Throwable applicationError) {
        super(line, applicationError);
    }
}
