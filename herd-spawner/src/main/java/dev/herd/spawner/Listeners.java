package dev.herd.spawner;

import dev.herd.config.Bind;
import dev.herd.config.Config;
import dev.herd.config.HandlerSettings;
import dev.herd.config.Settings;
import dev.herd.os.ListeningSocket;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What a handler serves on each socket it gets ({@link HandlerSettings#LISTENERS}): the first
 * {@code --bind} is its standard input, the others its descriptors 3, 4, and so on; each TLS, or
 * cleartext, or with {@code --tls-redirect} a redirect to the first TLS address.
 */
final class Listeners {
    private Listeners() {
    }

    /**
     * @param sockets the sockets handlers get: the binds', or one that the OS handed over
     */
    static String argument(Config config, List<ListeningSocket> sockets) {
        List<Bind> binds = config.get(Settings.BIND);
        int count = Math.min(sockets.size(), binds.size());
        // The port the first TLS address was bound to (given as 0, the kernel chose it).
        int httpsPort = 443;
        for (int i = 0; i < count; i++) {
            if (Settings.tls(config, binds.get(i))) {
                httpsPort = sockets.get(i).inetAddress().map(InetSocketAddress::getPort).orElse(443);
                break;
            }
        }
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Bind bind = binds.get(i);
            String kind = Settings.tls(config, bind) ? "tls"
                    : config.get(Settings.TLS_REDIRECT) ? "redirect:" + httpsPort : "plain";
            entries.add((i == 0 ? 0 : 2 + i) + ":" + kind);
        }
        return HandlerSettings.LISTENERS.name() + "=" + String.join(",", entries);
    }
}
