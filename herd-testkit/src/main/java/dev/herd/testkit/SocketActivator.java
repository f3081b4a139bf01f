package dev.herd.testkit;

import dev.herd.config.Address;
import dev.herd.os.ListeningSocket;

import java.util.Arrays;
import java.util.List;

/**
 * Stands in for systemd or inetd in tests: binds a listening socket itself, then starts a command
 * with that socket handed over as the OS would, and waits for it.
 *
 * <pre>java ... SocketActivator systemd|systemd-reuseport|inetd HOST:PORT -- COMMAND...</pre>
 *
 * <p>It prints {@code activator bound ADDRESS} first, so the test learns the port it chose.
 * systemd mode: the command gets the socket as fd 3 with LISTEN_PID (its own pid) and
 * LISTEN_FDS=1; a small shell step moves it there, since the JDK closes fds from 3 up in
 * children; systemd-reuseport makes the socket with SO_REUSEPORT, as {@code ReusePort=yes} does.
 * inetd mode: the socket is the command's standard input.
 */
public final class SocketActivator {
    private SocketActivator() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Address address = Address.parse(args[1]);
        List<String> command = Arrays.asList(args).subList(3, args.length);
        ListeningSocket socket = mode.equals("systemd-reuseport")
                ? ListeningSocket.bindReusingPort((Address.Inet) address, 128) : ListeningSocket.bind(address, 128);
        System.out.println("activator bound " + socket.address());
        System.out.flush();
        socket.installAsStdin();
        List<String> full = switch (mode) {
            case "systemd", "systemd-reuseport" -> concat(List.of("bash", "-c",
                    "exec 3<&0 0</dev/null; export LISTEN_PID=$$ LISTEN_FDS=1; exec \"$@\"", "activate"), command);
            case "inetd" -> command;
            default -> throw new IllegalArgumentException("mode must be systemd, systemd-reuseport or inetd");
        };
        Process child = new ProcessBuilder(full).inheritIO().start();
        socket.close();
        System.exit(child.waitFor());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
