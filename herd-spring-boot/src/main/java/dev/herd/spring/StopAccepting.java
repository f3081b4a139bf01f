package dev.herd.spring;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.SmartLifecycle;

import java.io.IOException;
import java.nio.channels.Channel;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The first step of a stop, before the web server's graceful shutdown: this process closes its
 * handle on herd's socket, so that its server accepts nothing more while the other handlers go on
 * accepting from the same queue; then it gives the connections it accepted just before a moment to
 * send their request, which the graceful shutdown then answers.
 *
 * <p>Tomcat: its acceptor blocks in {@code accept()}, and to wake it when pausing, Tomcat connects
 * to its own address. On a queue shared by several processes another process may take that
 * connection; this Tomcat then stays in {@code accept()}, takes a real client's connection and,
 * being paused, drops it. Closing the channel wakes the acceptor without a connection (the JDK
 * signals a thread blocked on a channel it closes). Tomcat reports the closed channel (its
 * acceptor's error, its unlock's warning) as if something were wrong; those two loggers are quieted
 * for the rest of the stop.
 *
 * <p>Jetty, Tomcat alike: a graceful shutdown waits for the requests in flight and closes the other
 * connections, among them one accepted a moment ago whose request is still on its way. Herd's own
 * handlers give such a connection {@link #GRACE}, and so does this.
 */
final class StopAccepting implements SmartLifecycle {
    /** How long a connection accepted just before the stop has to send its request. */
    static final Duration GRACE = Duration.ofSeconds(1);
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
            // The JDK hands out one inherited channel per process: the one the server accepts on.
            Channel socket = System.inheritedChannel();
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            System.err.println("herd: could not close this handler's listening channel: " + e);
        }
        LockSupport.parkNanos(GRACE.toNanos());
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
