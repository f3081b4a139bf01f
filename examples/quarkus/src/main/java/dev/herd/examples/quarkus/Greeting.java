package dev.herd.examples.quarkus;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.util.Map;

/** A plain Quarkus REST resource: it knows nothing of herd. Quarkus makes the main class itself. */
@Path("/")
public class Greeting {
    private static final Logger LOG = Logger.getLogger(Greeting.class);

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String hello(@QueryParam("name") @DefaultValue("world") String name) {
        return "Hello, " + name + ", from Quarkus\n";
    }

    /** Which process answered: under herd, each handler is a JVM of its own. */
    @GET
    @Path("whoami")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> whoami() {
        return Map.of("pid", ProcessHandle.current().pid(), "thread", Thread.currentThread().getName());
    }

    @POST
    @Path("echo")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public byte[] echo(byte[] body) {
        return body;
    }

    /** Answers after a while: a request still in flight when the server is asked to stop. */
    @GET
    @Path("sleep")
    @Produces(MediaType.TEXT_PLAIN)
    @Blocking
    public String sleep(@QueryParam("ms") @DefaultValue("1000") long ms) throws InterruptedException {
        LOG.infof("sleeping %d ms", ms);
        Thread.sleep(ms);
        return "slept " + ms + " ms\n";
    }

    void stopped(@Observes ShutdownEvent event) {
        LOG.info("stopped");
    }
}
