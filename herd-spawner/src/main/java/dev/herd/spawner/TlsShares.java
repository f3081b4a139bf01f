package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.HandlerSettings;
import dev.herd.config.Settings;
import dev.herd.tls.TicketKeys;
import dev.herd.tls.TlsFiles;
import dev.herd.tls.TlsMaterial;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The spawner's side of TLS: each generation's certificates and keys, read from their files and
 * shared with its handlers in memory ({@link TlsMaterial}), and the pool's session-ticket keys
 * ({@link TicketKeys}), rotated every {@code --tls-ticket-rotation}. Used on the spawner thread
 * only.
 */
final class TlsShares implements AutoCloseable {
    private TicketKeys tickets;
    private long rotateAtNanos;

    /**
     * Reads the certificates and keys {@code config} names, if any.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    Optional<TlsMaterial> load(Config config, long nowNanos) {
        if (config.get(Settings.TLS_CERT).isEmpty()) {
            return Optional.empty();
        }
        var identities = TlsFiles.load(config.get(Settings.TLS_CERT), config.get(Settings.TLS_KEY));
        if (tickets == null) {
            tickets = TicketKeys.create();
            rotateAtNanos = nowNanos + config.get(Settings.TLS_TICKET_ROTATION).toNanos();
        }
        return Optional.of(TlsMaterial.share(identities));
    }

    /** The arguments that tell a handler where its generation's TLS material and the ticket keys are. */
    List<String> arguments(Optional<TlsMaterial> material) {
        List<String> arguments = new ArrayList<>();
        material.ifPresent(m -> {
            arguments.add(HandlerSettings.TLS.name() + "=" + m.path());
            arguments.add(HandlerSettings.TLS_TICKETS.name() + "=" + tickets.path());
        });
        return List.copyOf(arguments);
    }

    /**
     * Rotates the ticket keys when their time has come.
     *
     * @return when to be called next, or {@link Long#MAX_VALUE} without TLS
     */
    long rotateIfDue(long nowNanos, Duration rotation) {
        if (tickets == null) {
            return Long.MAX_VALUE;
        }
        if (nowNanos - rotateAtNanos >= 0) {
            tickets.rotate();
            rotateAtNanos = nowNanos + rotation.toNanos();
        }
        return rotateAtNanos;
    }

    @Override
    public void close() {
        if (tickets != null) {
            tickets.close();
        }
    }
}
