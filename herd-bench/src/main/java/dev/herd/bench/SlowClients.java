package dev.herd.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Slow clients against a running server on 127.0.0.1: first an open-loop load of new connections
 * alone, then the same load while HEADS connections trickle their request heads (a byte every
 * 500 ms each, never ending them) and BODIES connections stop halfway through a body they
 * announced. It prints the load's latency without and with the slow clients, then how long each
 * slow client was held before the server answered or closed it, and what it answered.
 *
 * <pre>bench/slow-clients.sh [servers]   (runs this against herd and nginx)
 * java ... SlowClients PORT HEADS BODIES RATE SECONDS CAP_SECONDS</pre>
 */
public final class SlowClients {
    private SlowClients() {
    }

    /** What became of one slow client: how long it was held, and the first line the server answered (or "closed"). */
    record Fate(String kind, long heldMillis, String answer) {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
        int heads = Integer.parseInt(args[1]);
        int bodies = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        Duration length = Duration.ofSeconds(Long.parseLong(args[4]));
        Duration cap = Duration.ofSeconds(Long.parseLong(args[5]));

        OpenLoop.run(address, "/", rate, Duration.ofSeconds(2), Duration.ofSeconds(10));
        OpenLoop.Summary alone = OpenLoop.Summary.of(OpenLoop.run(address, "/", rate, length, Duration.ofSeconds(10)));

        List<Socket> trickling = new ArrayList<>();
        List<Future<Fate>> fates = new ArrayList<>();
        Set<Socket> ended = ConcurrentHashMap.newKeySet();
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
             ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor()) {
            for (int i = 0; i < heads; i++) {
                Socket s = open(address, cap);
                long start = System.nanoTime();
                send(s, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                trickling.add(s);
                fates.add(readers.submit(() -> fate("head", s, start, ended)));
            }
            for (int i = 0; i < bodies; i++) {
                Socket s = open(address, cap);
                long start = System.nanoTime();
                send(s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nhalf");
                fates.add(readers.submit(() -> fate("body", s, start, ended)));
            }
            trickle.scheduleAtFixedRate(() -> trickling.stream().filter(s -> !ended.contains(s)).forEach(s -> {
                try {
                    send(s, "a");
                } catch (IOException closed) {
                    ended.add(s);
                }
            }), 500, 500, TimeUnit.MILLISECONDS);

            OpenLoop.Summary during = OpenLoop.Summary.of(OpenLoop.run(address, "/", rate, length, Duration.ofSeconds(10)));
            System.out.printf("new connections at %d/s for %d s, alone:            %s%n", rate, length.toSeconds(), alone);
            System.out.printf("the same, with %d trickled heads and %d stalled bodies: %s%n", heads, bodies, during);

            List<Fate> done = new ArrayList<>();
            for (Future<Fate> f : fates) {
                done.add(f.get());
            }
            trickle.shutdownNow();
            for (String kind : List.of("head", "body")) {
                List<Fate> of = done.stream().filter(f -> f.kind().equals(kind)).toList();
                if (of.isEmpty()) {
                    continue;
                }
                long[] held = of.stream().mapToLong(Fate::heldMillis).sorted().toArray();
                var answers = of.stream().collect(java.util.stream.Collectors.groupingBy(Fate::answer,
                        java.util.TreeMap::new, java.util.stream.Collectors.counting()));
                System.out.printf("%s: held %.1f s median, %.1f s max (cap %d s); answers %s%n",
                        kind.equals("head") ? "trickled heads" : "stalled bodies",
                        held[held.length / 2] / 1e3, held[held.length - 1] / 1e3, cap.toSeconds(), answers);
            }
        } finally {
            for (Socket s : trickling) {
                s.close();
            }
        }
    }

    private static Socket open(InetSocketAddress address, Duration cap) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5_000);
        s.setSoTimeout((int) cap.toMillis());
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Reads until the server closes (or the cap passes) and says how long that took and what came first. */
    private static Fate fate(String kind, Socket s, long startNanos, Set<Socket> ended) {
        String answer;
        try (s) {
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            answer = text.isEmpty() ? "closed" : text.lines().findFirst().orElse("").strip();
        } catch (java.net.SocketTimeoutException e) {
            answer = "still open at the cap";
        } catch (IOException e) {
            answer = "reset";
        } finally {
            ended.add(s);
        }
        return new Fate(kind, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), answer);
    }
}
