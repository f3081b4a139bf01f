package dev.herd.handler;

import dev.herd.config.Config;
import dev.herd.config.HandlerSettings;
import dev.herd.api.HandlerContext;
import dev.herd.handler.app.BootFailure;
import dev.herd.handler.app.Served;
import dev.herd.handler.warmup.Hurry;
import dev.herd.os.ExitCode;
import dev.herd.os.ParentWatch;
import dev.herd.os.ProcessLog;
import dev.herd.os.Signal;
import dev.herd.os.Signals;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Entry point of a handler process, started by the spawner with the listening socket as its
 * standard input and its settings as {@code name=value} arguments.
 */
public final class HandlerMain {
    private static final System.Logger LOG = System.getLogger(HandlerMain.class.getName());

    private HandlerMain() {
    }

    public static void main(String[] args) {
        ProcessLog.configure("handler");
        // name=value settings, then "--" and the application's own arguments.
        List<String> all = List.of(args);
        int split = all.indexOf("--");
        List<String> settings = split < 0 ? all : all.subList(0, split);
        List<String> programArgs = split < 0 ? List.of() : all.subList(split + 1, all.size());
        Config config;
        try {
            config = Config.fromArguments(HandlerSettings.ALL, settings);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "bad handler arguments: {0}", e.getMessage());
            System.exit(ExitCode.CONFIG.status());
            return;
        }
        ProcessLog.configure("handler " + config.get(HandlerSettings.SLOT));
        long spawnerPid = config.get(HandlerSettings.SPAWNER_PID);
        // Ctrl-C reaches the whole process group: the spawner decides what its handlers do.
        Signals.ignore(Signal.INT);

        // Signals may come while the handler boots: they are remembered and applied once it runs.
        AtomicReference<Handler> running = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean activate = new AtomicBoolean();
        Hurry hurry = new Hurry();
        Signals.handle(Signal.TERM, s -> {
            stop.set(true);
            Handler h = running.get();
            if (h != null) {
                h.requestStop(ParentWatch.orphaned(spawnerPid));
            }
        });
        // USR1, not USR2: HotSpot keeps SIGUSR2 for itself on Linux. It means "the pool needs you
        // now": a standby starts accepting, and a warm-up under way stops. The spawner sends it only
        // once the handler has claimed its slot (in Handler.start), so after this is in place: by
        // default SIGUSR1 ends a JVM.
        Signals.handle(Signal.USR1, s -> {
            activate.set(true);
            hurry.request();
            Handler h = running.get();
            if (h != null) {
                h.activate();
            }
        });

        HandlerContext context = new HandlerContext(ProcessHandle.current().pid(), config.get(HandlerSettings.SLOT),
                config.get(HandlerSettings.GENERATION), programArgs);
        Handler handler;
        try {
            var socket = Handler.inheritedSocket(config);
            Served served = Served.boot(config, context, socket.channel().getLocalAddress());
            handler = Handler.start(config, socket, context, served, hurry);
        } catch (BootFailure e) {
            bootFailed(e);
            return;
        } catch (RuntimeException | java.io.IOException e) {
            LOG.log(System.Logger.Level.ERROR, "boot failed", e);
            System.exit(ExitCode.FAILURE.status());
            return;
        }
        running.set(handler);
        // Not before: its native call would cost the boot a few hundred milliseconds of CPU.
        ParentWatch.start(spawnerPid);
        if (activate.get()) {
            handler.activate();
        }
        if (stop.get()) {
            handler.requestStop(ParentWatch.orphaned(spawnerPid));
        }
        ExitCode code = handler.awaitStopAndDrain();
        System.exit(code.status());
    }

    /**
     * One line that says what is wrong, and below it the stack trace of the application's own
     * exception when there is one (its constructor or start hook threw).
     */
    private static void bootFailed(BootFailure failure) {
        LOG.log(System.Logger.Level.ERROR, "boot failed: " + failure.getMessage());
        if (failure.getCause() != null) {
            System.err.print("Caused by: ");
            failure.getCause().printStackTrace();
        }
        System.exit(ExitCode.FAILURE.status());
    }
}
