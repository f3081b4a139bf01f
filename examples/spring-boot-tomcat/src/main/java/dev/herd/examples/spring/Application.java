package dev.herd.examples.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** A plain Spring Boot web application: it knows nothing of herd. */
@SpringBootApplication
@RestController
public class Application {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    public static void main(String[] args) {
        SpringApplication.run(Application.class, args);
    }

    @GetMapping("/")
    public String hello(@RequestParam(name = "name", defaultValue = "world") String name) {
        return "Hello, " + name + ", from Spring Boot\n";
    }

    /** Which process answered: under herd, each handler is a JVM of its own. */
    @GetMapping("/whoami")
    public Map<String, Object> whoami() {
        return Map.of("pid", ProcessHandle.current().pid(), "thread", Thread.currentThread().getName());
    }

    @PostMapping("/echo")
    public byte[] echo(@RequestBody byte[] body) {
        return body;
    }

    /** Answers after a while: a request still in flight when the server is asked to stop. */
    @GetMapping("/sleep")
    public String sleep(@RequestParam(name = "ms", defaultValue = "1000") long ms) throws InterruptedException {
        LOG.info("sleeping {} ms", ms);
        Thread.sleep(ms);
        return "slept " + ms + " ms\n";
    }
}
