package dev.herd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code herd reload}: a new generation of handlers from the configuration file and the
 * application as they are now, as SIGHUP would, but waiting for the outcome: exit 0 once the new
 * generation serves, 1 with the reason when the old one still does.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Reload without a restart: re-read the configuration and the application, start a new "
                + "generation of handlers, and drain the old one once the new one serves. The socket stays open.")
final class ReloadCommand implements Callable<Integer> {
    /** The spawner bounds a reload by the new generation's --boot-timeout; this only guards against a hang. */
    private static final Duration WAIT = Duration.ofMinutes(16);

    @Mixin
    AdminOption admin;

    @Override
    public Integer call() {
        AdminClient.Reply reply;
        JsonNode outcome;
        try {
            reply = admin.client().postForReply("/reload", WAIT);
            outcome = new ObjectMapper().readTree(reply.body());
        } catch (IOException e) {
            System.err.println("herd reload: " + e.getMessage());
            return 1;
        }
        if (reply.status() == 200 && outcome.path("ok").asBoolean()) {
            System.out.printf("reloaded: generation %d serves (%d ms)%n", outcome.path("generation").asInt(),
                    outcome.path("took_ms").asLong());
            outcome.path("ignored").forEach(line -> System.out.println("ignored: " + line.asText()));
            return 0;
        }
        String reason = outcome.path("reason").asText(reply.body().strip());
        System.err.printf("herd reload: failed: %s; generation %d keeps serving%n", reason,
                outcome.path("generation").asInt());
        return 1;
    }
}
