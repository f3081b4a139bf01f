package dev.herd.handler;

import dev.herd.os.Posix;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.Future;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code --cpu-affinity auto}: each event loop bound to one CPU, the loops of the whole pool spread
 * over the CPUs herd may use. Handler slot {@code s} with {@code L} loops puts its loop {@code j} on
 * allowed CPU number {@code (s × L + j) mod CPUs}, so a static pool of one loop per CPU (the
 * {@code --threads auto} default) has every CPU to one loop, and a larger pool wraps round.
 *
 * <p>"Allowed" is the handler's own affinity mask when it starts, inherited from the spawner:
 * whatever {@code taskset}, systemd's {@code CPUAffinity=} or a cgroup cpuset left it.
 */
final class CpuPinning {
    private CpuPinning() {
    }

    /** The CPU of loop {@code loop} of slot {@code slot}, among {@code allowed} (ascending, not empty). */
    static int cpuOf(int[] allowed, int slot, int loopsPerSlot, int loop) {
        if (allowed.length == 0) {
            throw new IllegalArgumentException("no CPU allowed");
        }
        return allowed[(int) Math.floorMod((long) slot * loopsPerSlot + loop, (long) allowed.length)];
    }

    /** Binds each of {@code loops} (this handler's, in order) to its CPU, from its own thread; returns them. */
    static int[] pin(List<IoEventLoop> loops, int slot) {
        int[] allowed = Posix.allowedCpus();
        int[] cpus = new int[loops.size()];
        List<Future<?>> pinned = new ArrayList<>();
        for (int j = 0; j < loops.size(); j++) {
            int cpu = cpuOf(allowed, slot, loops.size(), j);
            cpus[j] = cpu;
            pinned.add(loops.get(j).submit(() -> Posix.pinThisThread(cpu)));
        }
        pinned.forEach(Future::syncUninterruptibly);
        return cpus;
    }

    /** "CPU 1" or "CPUs 0, 1", for the ready line. */
    static String describe(int[] cpus) {
        return (cpus.length == 1 ? "CPU " : "CPUs ") + String.join(", ", Arrays.stream(cpus).mapToObj(String::valueOf).toList());
    }
}
