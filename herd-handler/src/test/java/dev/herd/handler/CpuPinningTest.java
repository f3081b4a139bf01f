package dev.herd.handler;

import dev.herd.os.Posix;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuPinningTest {
    @Test
    void loopsOfThePoolTakeTheAllowedCpusInTurnSlotBySlot() {
        int[] four = {0, 1, 2, 3};
        assertThat(cpus(four, 0, 2)).containsExactly(0, 1);
        assertThat(cpus(four, 1, 2)).containsExactly(2, 3);
        assertThat(cpus(four, 2, 2)).containsExactly(0, 1);
        // One loop per handler: slot s on CPU s, wrapping round past the last.
        assertThat(cpus(four, 3, 1)).containsExactly(3);
        assertThat(cpus(four, 5, 1)).containsExactly(1);
    }

    @Test
    void onlyTheAllowedCpusAreUsedWhateverTheirNumbers() {
        int[] taskset = {2, 5, 7};
        assertThat(cpus(taskset, 0, 2)).containsExactly(2, 5);
        assertThat(cpus(taskset, 1, 2)).containsExactly(7, 2);
        assertThatThrownBy(() -> CpuPinning.cpuOf(new int[0], 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describesTheCpusForTheReadyLine() {
        assertThat(CpuPinning.describe(new int[]{1})).isEqualTo("CPU 1");
        assertThat(CpuPinning.describe(new int[]{0, 1})).isEqualTo("CPUs 0, 1");
    }

    @Test
    void pinsEachLoopThreadAndNothingElse() throws Exception {
        int[] allowed = Posix.allowedCpus();
        assertThat(allowed).isNotEmpty();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            IoEventLoop loop = (IoEventLoop) group.next();
            int[] cpus = CpuPinning.pin(List.of(loop), 1);
            assertThat(cpus).containsExactly(allowed[1 % allowed.length]);
            String loopCpus = loop.submit(() -> cpusAllowed(Path.of("/proc/thread-self/status"))).get();
            assertThat(loopCpus).isEqualTo(String.valueOf(cpus[0]));
            assertThat(Posix.allowedCpus()).as("the calling thread keeps its mask").containsExactly(allowed);
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static int[] cpus(int[] allowed, int slot, int loops) {
        int[] cpus = new int[loops];
        for (int j = 0; j < loops; j++) {
            cpus[j] = CpuPinning.cpuOf(allowed, slot, loops, j);
        }
        return cpus;
    }

    private static String cpusAllowed(Path status) throws java.io.IOException {
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring("Cpus_allowed_list:".length()).strip()).findFirst().orElseThrow();
    }
}
