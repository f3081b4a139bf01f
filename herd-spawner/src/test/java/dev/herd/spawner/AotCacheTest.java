package dev.herd.spawner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A handler starts from the AOT cache only if it exists and was trained with the handler's own JVM options. */
class AotCacheTest {
    private static final List<String> TRAINED = List.of("-Xmx64m", "-XX:+UseSerialGC");

    @TempDir
    Path dir;

    @Test
    void aCacheTrainedWithTheSameOptionsIsUsed() throws Exception {
        AotCache cache = trained();
        assertThat(cache.usableWith(TRAINED)).hasValue(cache.file());
    }

    @Test
    void otherOptionsOrderOrNoneGoWithout() throws Exception {
        AotCache cache = trained();
        assertThat(cache.usableWith(List.of("-Xmx128m", "-XX:+UseSerialGC"))).isEmpty();
        assertThat(cache.usableWith(TRAINED.reversed())).isEmpty();
        assertThat(cache.usableWith(List.of())).isEmpty();
    }

    @Test
    void aMissingCacheOrOneWithoutItsOptionsIsNotUsed() throws Exception {
        AotCache missing = new AotCache(dir.resolve("missing.aot"));
        assertThat(missing.usableWith(TRAINED)).isEmpty();

        AotCache unrecorded = new AotCache(dir.resolve("unrecorded.aot"));
        Files.writeString(unrecorded.file(), "cache");
        assertThat(unrecorded.usableWith(TRAINED)).as("training did not finish").isEmpty();
    }

    @Test
    void noPropertyMeansNoCache() {
        assertThat(AotCache.named(null)).isEmpty();
        assertThat(AotCache.named(" ")).isEmpty();
    }

    @Test
    void theSpawnerAddsTheCacheOnlyWhenUsable() throws Exception {
        AotCache cache = trained();
        assertThat(HandlerCommand.withAotCache(TRAINED, cache.file().toString()))
                .containsExactly("-Xmx64m", "-XX:+UseSerialGC", "-XX:AOTCache=" + cache.file());
        assertThat(HandlerCommand.withAotCache(List.of("-Xmx32m"), cache.file().toString())).containsExactly("-Xmx32m");
        assertThat(HandlerCommand.withAotCache(TRAINED, null)).isEqualTo(TRAINED);
    }

    private AotCache trained() throws Exception {
        AotCache cache = new AotCache(dir.resolve("handler.aot"));
        Files.writeString(cache.file(), "cache");
        cache.recordOptions(TRAINED);
        return cache;
    }
}
