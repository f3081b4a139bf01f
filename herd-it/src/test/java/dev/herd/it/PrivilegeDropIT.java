package dev.herd.it;

import dev.herd.os.Posix;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Started as root with {@code --user nobody --group nogroup}, herd binds as root and reads a TLS key
 * only root may read, then the spawner and its handlers run as nobody: they serve TLS, and the status
 * still reads the handlers' scoreboard slots. Runs only as root.
 */
class PrivilegeDropIT {

    @Test
    void afterBindingTheSpawnerAndItsHandlersRunAsTheUserAndStillShareTheScoreboard() throws Exception {
        Assumptions.assumeTrue(Posix.geteuid() == 0, "skipped: dropping privileges needs the tests to run as root");
        int nobody = Posix.user("nobody").orElseThrow().uid();
        int nogroup = Posix.group("nogroup").orElseThrow();
        Tools.require(Tools.Tool.TLS);
        Path classes = readableClassPath();
        // The key in a directory only root may enter: the spawner reads it before it drops to
        // nobody, and the handlers, which never could, serve TLS with their copy.
        Path keys = Files.createTempDirectory("herd-keys");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
        TestCertificates certificates = new TestCertificates(keys);
        TestCertificates.Issued site = certificates.issue("site", "localhost", "herd", false, 30);
        Files.setPosixFilePermissions(site.key(), PosixFilePermissions.fromString("rw-------"));
        try (HerdProcess herd = HerdProcess.serveOnClassPath("privilege-drop", classPath(classes),
                "--handlers", "1", "--warmup", "off", "--user", "nobody", "--group", "nogroup",
                "--tls-cert", site.chain().toString(), "--tls-key", site.key().toString())) {
            long handler = HerdProcess.readyPids(herd.awaitReady(1).status()).getFirst();
            int port = ((java.net.InetSocketAddress) herd.address()).getPort();
            for (int i = 0; i < 5; i++) {
                assertThat(Tools.run(java.time.Duration.ofSeconds(30), null, "curl", "-sS", "--cacert",
                        certificates.rootFile().toString(), "--resolve", "localhost:" + port + ":127.0.0.1", "-w",
                        " %{http_code}", "https://localhost:" + port + "/").output()).isEqualTo("Hello, World! 200");
            }

            for (long pid : List.of(herd.spawnerPid(), handler)) {
                List<String> status = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
                assertThat(status).anyMatch(l -> l.matches("Uid:\\s+" + nobody + "\\s+" + nobody + "\\s+" + nobody + "\\s+" + nobody))
                        .anyMatch(l -> l.matches("Gid:\\s+" + nogroup + "\\s+" + nogroup + "\\s+" + nogroup + "\\s+" + nogroup));
            }
            assertThat(herd.status().at("/handlers/0/requests").asLong()).as("the scoreboard is shared").isEqualTo(5);
            assertThat(herd.output()).contains("running as uid " + nobody + " (nobody), gid " + nogroup);
            assertThat(herd.unexpectedProblems()).isEmpty();
        } finally {
            for (Path dir : List.of(classes, keys)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** This JVM's class path copied where any user can read it (~/.m2 may be root's alone). */
    private static Path readableClassPath() throws IOException {
        Path dir = Files.createTempDirectory("herd-classes");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = dir.resolve((n++) + "-" + from.getFileName());
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : files.toList()) {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(f, target);
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
        }
        return dir;
    }

    private static String classPath(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> top = Files.list(dir)) {
            top.sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().split("-", 2)[0])))
                    .forEach(p -> entries.add(p.toString()));
        }
        return String.join(File.pathSeparator, entries);
    }
}
