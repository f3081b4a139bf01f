package dev.herd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
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
        try {
            System.out.print(admin.client().post("/reopen-logs"));
            return 0;
        } catch (IOException e) {
            System.err.println("herd reopen-logs: " + e.getMessage());
            return 1;
        }
    }
}
