package dev.herd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code herd reopen-logs}: after a log rotation, the handlers open their access log files again. */
@Command(name = "reopen-logs", mixinStandardHelpOptions = true,
        description = "Have the handlers open their access log again (after it was moved for rotation), as SIGUSR1 "
                + "to the spawner would.")
final class ReopenLogsCommand implements Callable<Integer> {
    @Mixin
    AdminOption admin;

    @Override
    public Integer call() {
        return admin.post("reopen-logs", "/reopen-logs");
    }
}
