package dev.herd.spawner;

import dev.herd.os.Posix;
import dev.herd.os.Signal;

import java.io.IOException;
import java.util.List;

/** Handlers as real processes, sharing the spawner's standard streams (its socket is their stdin). */
final class ProcessLauncher implements Launcher {

    @Override
    public long spawn(List<String> command, Exited exited) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        // Socket activation was meant for the spawner; the handler gets the socket as fd 0.
        builder.environment().keySet().removeAll(List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"));
        // Under the C locale a JVM cannot name files outside ASCII (sun.jnu.encoding follows the
        // locale, and no flag changes it): static files with such names would be unreachable.
        if (!"UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) {
            builder.environment().put("LC_ALL", "C.UTF-8");
        }
        Process process = builder.start();
        process.onExit().thenAccept(p -> exited.exited(p.pid(), p.exitValue()));
        return process.pid();
    }

    @Override
    public void signal(long pid, Signal signal) {
        Posix.kill(pid, signal.number());
    }
}
