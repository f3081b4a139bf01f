package dev.herd.spawner;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessLauncherTest {

    @Test
    void theOomKillCountIsReadFromVmstatAndUnknownWithoutIt() {
        assertThat(ProcessLauncher.oomKillsIn(List.of("pgfault 12", "oom_kill 4", "numa_hit 1"))).isEqualTo(4);
        assertThat(ProcessLauncher.oomKillsIn(List.of("pgfault 12"))).isEqualTo(-1);
    }
}
