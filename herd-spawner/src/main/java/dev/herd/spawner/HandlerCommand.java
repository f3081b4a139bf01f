package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.HandlerSettings;
import dev.herd.config.Settings;
import dev.herd.os.JvmArgs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line of a handler process: this JVM's own {@code java}, the handler's part of its
 * class path ({@link HandlerClassPath}), the handler JVM options, and the settings as
 * {@code name=value} arguments; or, for an existing server's jar
 * ({@code --jar}), that jar's own JVM as {@link ForeignLaunch} makes it.
 */
record HandlerCommand(String java, List<String> jvmOptions, String classPath, Config config, Path scoreboard,
                      long spawnerPid, Duration heartbeat, Optional<ForeignLaunch> foreign,
                      List<String> more) {

    HandlerCommand(String java, List<String> jvmOptions, String classPath, Config config, Path scoreboard,
                   long spawnerPid, Duration heartbeat, Optional<ForeignLaunch> foreign) {
        this(java, jvmOptions, classPath, config, scoreboard, spawnerPid, heartbeat, foreign, List.of());
    }

    /**
     * With {@code arguments} beside the settings: where the shared memory of TLS is
     * ({@link TlsShares#arguments}), what each socket serves ({@link Listeners}).
     */
    HandlerCommand withArguments(List<String> arguments) {
        return new HandlerCommand(java, jvmOptions, classPath, config, scoreboard, spawnerPid, heartbeat, foreign,
                List.copyOf(arguments));
    }

    /** Why a handler is started, which sets how it begins. */
    enum Role {
        /** To accept once ready. */
        ACCEPTING,
        /** To wait, booted and warm, until the pool needs it ({@code --standby}). */
        STANDBY,
        /**
         * To accept as soon as it can: in place of a handler that died unexpectedly, or added by
         * the scaling policy under load. It warms up for a quarter of {@code --warmup}'s rounds,
         * since the pool is short of capacity while it boots, and its boot takes CPU from the
         * handlers that serve.
         */
        URGENT
    }

    /** The handler's entry point; named, not referenced: spawner and handler share no code but common. */
    static final String MAIN_CLASS = "dev.herd.handler.HandlerMain";

    static HandlerCommand of(Config config, Path scoreboard, Duration heartbeat) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("java.class.path");
        Optional<ForeignLaunch> foreign = ForeignLaunch.of(config, classPath, SocketLibraryFile::path, System.getenv());
        foreign.flatMap(ForeignLaunch::aot).ifPresent(cache -> cache.trainInBackground(java, classPath, config));
        // herd's AOT cache holds herd's handler: an existing server's JVM runs other classes.
        List<String> options = foreign.isPresent() ? jvmOptions(config)
                : withAotCache(jvmOptions(config), System.getProperty(AotCache.PROPERTY));
        String handlerClassPath = foreign.isPresent() ? classPath
                : HandlerClassPath.of(classPath, HandlerCommand.class.getClassLoader());
        return new HandlerCommand(java, options, handlerClassPath, config, scoreboard, ProcessHandle.current().pid(),
                heartbeat, foreign);
    }

    /** {@code options}, and the AOT cache {@code cacheFile} (may be null) if it was trained with them. */
    static List<String> withAotCache(List<String> options, String cacheFile) {
        return AotCache.named(cacheFile)
                .flatMap(cache -> cache.usableWith(options))
                .map(cache -> {
                    List<String> with = new ArrayList<>(options);
                    with.add("-XX:AOTCache=" + cache);
                    return List.copyOf(with);
                })
                .orElse(options);
    }

    /** {@code --handler-jvm-opts} as words; for {@code --jar} without it, {@link Settings#FOREIGN_JVM_OPTS}. */
    static List<String> jvmOptions(Config config) {
        return Arrays.stream(Settings.handlerJvmOpts(config).strip().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** Whether handlers start from the AOT cache. */
    boolean usesAotCache() {
        return jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:AOTCache="));
    }

    /**
     * @param spawnedNanos the spawner's {@code System.nanoTime()} now
     * @param port         the port of the socket the handler gets, 0 when it has none
     */
    List<String> forHandler(int slot, int generation, Role role, long spawnedNanos, int port) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(JvmArgs.EVERY);
        Optional<ForeignLaunch.Form> form = foreign.map(ForeignLaunch::form);
        if (foreign.isPresent()) {
            command.addAll(foreign.get().properties(config, port, form.get()));
            command.addAll(List.of("-cp", foreign.get().classPath(form.get()), ForeignLaunch.MAIN_CLASS));
        } else {
            command.addAll(List.of("-cp", classPath, MAIN_CLASS));
        }
        command.add(HandlerSettings.SLOT.name() + "=" + slot);
        command.add(HandlerSettings.GENERATION.name() + "=" + generation);
        command.add(HandlerSettings.SCOREBOARD.name() + "=" + scoreboard);
        command.add(HandlerSettings.SPAWNER_PID.name() + "=" + spawnerPid);
        command.add(HandlerSettings.HEARTBEAT.name() + "=" + dev.herd.config.Values.format(heartbeat));
        command.add(HandlerSettings.STANDBY.name() + "=" + (role == Role.STANDBY));
        command.add(HandlerSettings.SPAWNED.name() + "=" + spawnedNanos);
        command.addAll(more);
        if (foreign.isPresent()) {
            command.add(Settings.MAIN.name() + "=" + foreign.get().launcher(form.get()));
        } else {
            forwarded(command, role);
        }
        if (!config.programArgs().isEmpty()) {
            command.add("--");
            command.addAll(config.programArgs());
        }
        return command;
    }

    /** Variables added to the handler's environment (an existing server's JVM has some). */
    Map<String, String> environment(int port) {
        return foreign.map(launch -> launch.environment(port)).orElse(Map.of());
    }

    /** The settings of {@code herd serve} that herd's own handler reads. */
    private void forwarded(List<String> command, Role role) {
        for (String argument : config.toArguments(HandlerSettings.FORWARDED)) {
            // With --static or --main alone, the default application is not served.
            if (argument.startsWith(Settings.APP.name() + "=") && !Settings.servesApp(config)) {
                command.add(Settings.APP.name() + "=");
            } else if (argument.startsWith(Settings.WARMUP.name() + "=") && role == Role.URGENT) {
                command.add(Settings.WARMUP.name() + "=" + replacementWarmup(config.get(Settings.WARMUP)));
            } else {
                command.add(argument);
            }
        }
    }

    /** The warm-up of a {@link Role#URGENT}, as {@code --warmup} writes it: a quarter of {@code rounds}. */
    static String replacementWarmup(long rounds) {
        return rounds == 0 ? "off" : String.valueOf(Math.max(1, rounds / 4));
    }
}
