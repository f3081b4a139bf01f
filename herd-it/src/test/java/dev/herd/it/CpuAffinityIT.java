package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.os.Posix;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --cpu-affinity auto} binds each event loop of the pool to one CPU, slot by slot, as the
 * kernel reports it in {@code /proc/<pid>/task/<tid>/status}; the handler's other threads keep the
 * mask herd started with, and {@code off} (the default) binds nothing.
 */
class CpuAffinityIT {
    @Test
    void autoSpreadsThePoolsLoopsOverTheAllowedCpus() throws Exception {
        int[] allowed = Posix.allowedCpus();
        try (HerdProcess herd = HerdProcess.serve("cpu-affinity", "--handlers", "2", "--threads", "2",
                "--cpu-affinity", "auto", "--warmup", "off")) {
            JsonNode status = herd.awaitReady(2).status();
            for (JsonNode h : status.get("handlers")) {
                long pid = h.get("pid").asLong();
                int slot = h.get("slot").asInt();
                for (int loop = 0; loop < 2; loop++) {
                    int cpu = allowed[(slot * 2 + loop) % allowed.length];
                    assertThat(cpusOfThread(pid, "loop-" + loop)).as("loop-%d of slot %d", loop, slot)
                            .isEqualTo(String.valueOf(cpu));
                }
                assertThat(cpusOf(Path.of("/proc", String.valueOf(pid), "status")))
                        .as("the other threads of slot %d", slot).isEqualTo(cpusOf(Path.of("/proc/self/status")));
                assertThat(herd.awaitLine("[handler " + slot + " " + pid + "] ready: ", Duration.ofSeconds(10)))
                        .contains("ready: generation 1, 2 event loops watching the shared socket, on CPUs "
                                + allowed[slot * 2 % allowed.length] + ", " + allowed[(slot * 2 + 1) % allowed.length] + ", ");
            }
            assertThat(herd.get("/").status()).isEqualTo(200);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void offLeavesTheLoopsWhereTheKernelPutsThem() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("cpu-affinity-off", "--handlers", "1", "--warmup", "off")) {
            long pid = HerdProcess.readyPids(herd.awaitReady(1).status()).getFirst();
            assertThat(cpusOfThread(pid, "loop-0")).isEqualTo(cpusOf(Path.of("/proc/self/status")));
            assertThat(herd.awaitLine("[handler 0 " + pid + "] ready: ", Duration.ofSeconds(10))).doesNotContain(", on CPU");
        }
    }

    /** The {@code Cpus_allowed_list} of {@code pid}'s thread named {@code name}. */
    private static String cpusOfThread(long pid, String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            Optional<Path> task = tasks.filter(t -> name.equals(comm(t))).findFirst();
            assertThat(task).as("a thread %s in process %d", name, pid).isPresent();
            return cpusOf(task.get().resolve("status"));
        }
    }

    private static String comm(Path task) {
        try {
            return Files.readString(task.resolve("comm")).strip();
        } catch (IOException e) {
            return ""; // the thread ended meanwhile
        }
    }

    private static String cpusOf(Path status) throws IOException {
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring("Cpus_allowed_list:".length()).strip()).findFirst().orElseThrow();
    }
}
