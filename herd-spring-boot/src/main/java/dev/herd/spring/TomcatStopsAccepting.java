package dev.herd.spring;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.SmartLifecycle;

import java.io.IOException;
import java.nio.channels.Channel;

/**
 * The first step of a stop: this process closes its handle on herd's socket, so that its Tomcat
 * accepts nothing more while the other handlers go on accepting from the same queue; then Spring
 * Boot's graceful shutdown finishes the requests in flight.
 *
 * <p>Why it is needed: Tomcat's acceptor blocks in {@code accept()}, and to wake it when pausing,
 * Tomcat connects to its own address. On a queue shared by several processes, another process may
 * take that connection; this Tomcat then stays in {@code accept()}, takes a real client's connection
 * and, being paused, drops it. Closing the channel wakes the acceptor without a connection (the JDK
 * signals a thread blocked on a channel it closes), and the queue stays whole for the others.
 * Tomcat reports the closed channel (its acceptor's error, its unlock's warning) as if something
 * were wrong; those two loggers are quieted for the rest of the stop.
 */
final class TomcatStopsAccepting implements SmartLifecycle {
    private static final String[] QUIETED = {"org.apache.tomcat.util.net.Acceptor", "org.apache.tomcat.util.net.NioEndpoint"};

    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        for (String logger : QUIETED) {
            logging.setLogLevel(logger, LogLevel.OFF);
        }
        try {
            // The JDK hands out one inherited channel per process: the one Tomcat accepts on.
            Channel socket = System.inheritedChannel();
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            System.err.println("herd: could not close this handler's listening channel: " + e);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before everything else that stops, the web server's graceful shutdown included. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
