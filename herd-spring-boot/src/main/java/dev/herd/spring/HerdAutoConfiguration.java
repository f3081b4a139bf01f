package dev.herd.spring;

import dev.herd.foreign.Herd;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes a Spring Boot application a herd handler, when it runs as one ({@code herd serve --jar}):
 * the embedded server takes the listening socket herd hands over as the JVM's inherited channel
 * (standard input) instead of binding {@code server.port}, and herd hears when the application is
 * ready. Without herd (no {@code dev.herd.foreign.Herd} on the class path) it does nothing.
 */
@AutoConfiguration
@ConditionalOnClass(name = "dev.herd.foreign.Herd")
public class HerdAutoConfiguration {

    /** Ready means started: the server accepts, and the application's runners have run. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> herdReadiness() {
        return event -> Herd.ready();
    }

    @Bean
    StopAccepting herdStopAccepting() {
        return new StopAccepting();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.tomcat.TomcatConnectorCustomizer")
    static class Tomcat {
        /** Tomcat's NIO connector accepts on System.inheritedChannel() (Tomcat 9.0.11 and later). */
        @Bean
        TomcatConnectorCustomizer herdInheritedChannel() {
            return connector -> connector.setProperty("useInheritedChannel", "true");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.jetty.JettyServerCustomizer")
    static class Jetty {
        /** Jetty's connectors accept on System.inheritedChannel(). */
        @Bean
        JettyServerCustomizer herdInheritedChannel() {
            return server -> {
                for (var connector : server.getConnectors()) {
                    if (connector instanceof ServerConnector serverConnector) {
                        serverConnector.setInheritChannel(true);
                    }
                }
            };
        }
    }
}
