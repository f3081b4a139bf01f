package dev.herd.spawner;

import dev.herd.os.SystemdNotify;

import java.time.Duration;
import java.util.Optional;

/**
 * What the spawner tells the service manager that started it (systemd's sd_notify protocol): ready,
 * reloading, stopping, and the watchdog's keep-alive. Without one ({@code NOTIFY_SOCKET} unset)
 * nothing is sent. Tests record the messages instead.
 */
interface ServiceManager {
    /** Sends {@code state}: newline-separated {@code KEY=VALUE} lines. */
    void notify(String state);

    /** How often the manager expects {@code WATCHDOG=1}, if it does. */
    Optional<Duration> watchdog();

    ServiceManager NONE = new ServiceManager() {
        @Override
        public void notify(String state) {
        }

        @Override
        public Optional<Duration> watchdog() {
            return Optional.empty();
        }
    };

    /** The manager the environment names, or {@link #NONE}. */
    static ServiceManager fromEnvironment() {
        return SystemdNotify.fromEnvironment(System.getenv(), ProcessHandle.current().pid())
                .<ServiceManager>map(socket -> new ServiceManager() {
                    @Override
                    public void notify(String state) {
                        socket.send(state);
                    }

                    @Override
                    public Optional<Duration> watchdog() {
                        return socket.watchdog();
                    }
                })
                .orElse(NONE);
    }
}
