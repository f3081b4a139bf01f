package dev.herd.examples.springjetty;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

import java.util.Map;

import static org.springframework.web.servlet.function.RouterFunctions.route;

/** A plain Spring Boot application on Jetty, with functional routes: it knows nothing of herd. */
@SpringBootApplication
public class JettyApplication {
    private static final Logger LOG = LoggerFactory.getLogger(JettyApplication.class);

    public static void main(String[] args) {
        SpringApplication.run(JettyApplication.class, args);
    }

    @Bean
    RouterFunction<ServerResponse> routes() {
        return route()
                .GET("/", request -> ServerResponse.ok().body(
                        "Hello, " + request.param("name").orElse("world") + ", from Spring Boot on Jetty\n"))
                .GET("/whoami", request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .body(Map.of("pid", ProcessHandle.current().pid(), "thread", Thread.currentThread().getName())))
                .POST("/echo", request -> ServerResponse.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .body(request.body(byte[].class)))
                .GET("/sleep", request -> {
                    long ms = Long.parseLong(request.param("ms").orElse("1000"));
                    LOG.info("sleeping {} ms", ms);
                    Thread.sleep(ms);
                    return ServerResponse.ok().body("slept " + ms + " ms\n");
                })
                .build();
    }
}
