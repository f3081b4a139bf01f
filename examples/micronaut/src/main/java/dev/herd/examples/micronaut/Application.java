package dev.herd.examples.micronaut;

import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** A plain Micronaut application: it knows nothing of herd. */
@Controller
public class Application {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }

    @Get(produces = MediaType.TEXT_PLAIN)
    public String hello(@QueryValue(defaultValue = "world") String name) {
        return "Hello, " + name + ", from Micronaut\n";
    }

    /** Which process answered: under herd, each handler is a JVM of its own. */
    @Get("/whoami")
    public Map<String, Object> whoami() {
        return Map.of("pid", ProcessHandle.current().pid(), "thread", Thread.currentThread().getName());
    }

    @Post(uri = "/echo", consumes = MediaType.ALL, produces = MediaType.APPLICATION_OCTET_STREAM)
    public byte[] echo(@Body byte[] body) {
        return body;
    }

    /**
     * Answers after a while: a request still in flight when the server is asked to stop. It sleeps
     * on the blocking executor, since the controller's methods otherwise run on Netty's event loop.
     */
    @Get("/sleep")
    @Produces(MediaType.TEXT_PLAIN)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public String sleep(@QueryValue(defaultValue = "1000") long ms) throws InterruptedException {
        LOG.info("sleeping {} ms", ms);
        Thread.sleep(ms);
        return "slept " + ms + " ms\n";
    }

    @EventListener
    void stopped(ShutdownEvent event) {
        LOG.info("stopped");
    }
}
