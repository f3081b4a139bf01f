package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.Settings;
import dev.herd.os.ExitCode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code herd train --jar APP.jar [options]}: trains the application's AOT cache now, as
 * {@code herd serve} with the same options would on first use, so that a deployment starts its
 * handlers from it from the first one on.
 */
public final class JarAotTraining {
    private JarAotTraining() {
    }

    public static ExitCode train(Config config, PrintStream out, PrintStream err) {
        if (config.get(Settings.JAR).isEmpty()) {
            err.println("herd: train makes the AOT cache of an existing server's jar: give --jar APP.jar");
            return ExitCode.CONFIG;
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("java.class.path");
        JarAotCache cache;
        try {
            ForeignLaunch launch = ForeignLaunch.of(config, classPath, SocketLibraryFile::path, System.getenv())
                    .orElseThrow();
            if (launch.aot().isEmpty()) {
                err.println("herd: --jar-aot off: there is no cache to train");
                return ExitCode.CONFIG;
            }
            cache = launch.aot().get();
            if (cache.readyJar().isPresent()) {
                out.println("AOT cache of " + launch.jar().path().getFileName() + " already trained: " + cache.cacheFile());
                return ExitCode.OK;
            }
            out.println("training the AOT cache of " + launch.jar().path().getFileName() + " in " + cache.dir() + "...");
            out.println(cache.describe(cache.train(java, classPath, config)));
            return ExitCode.OK;
        } catch (IOException | RuntimeException e) {
            err.println("herd: no AOT cache: " + e.getMessage());
            return ExitCode.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        }
    }
}
