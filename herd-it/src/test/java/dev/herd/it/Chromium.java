package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herd.testkit.Await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium with one page open, driven over the Chrome DevTools Protocol (a
 * WebSocket, with the JDK's own client): evaluate JavaScript in the page, take a screenshot.
 */
final class Chromium implements AutoCloseable {
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://[^\\s]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    /** The page's DevTools socket, connected once the listener that reads it exists. */
    private WebSocket page;

    private Chromium(Process process) {
        this.process = process;
    }

    /** Starts Chromium on {@code url}, in a profile of its own under {@code profile}. */
    static Chromium open(String url, Path profile) throws Exception {
        Tools.require(Tools.Tool.CHROMIUM);
        Process process = new ProcessBuilder("chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=1280,1100", url)
                .redirectErrorStream(true).start();
        CompletableFuture<String> browser = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        browser.complete(m.group(1));
                    }
                }
            } catch (IOException ignored) {
                // Chromium ended.
            }
            browser.completeExceptionally(new IllegalStateException("chromium ended without its DevTools address"));
        });
        try {
            URI ws = URI.create(browser.get(60, TimeUnit.SECONDS));
            HttpClient http = HttpClient.newHttpClient();
            String list = "http://" + ws.getHost() + ":" + ws.getPort() + "/json/list";
            String pageSocket = Await.until("chromium's page", Duration.ofSeconds(30),
                    () -> pageSocket(http, list), Optional::isPresent).orElseThrow();
            Chromium chromium = new Chromium(process);
            chromium.page = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), chromium.listener())
                    .get(30, TimeUnit.SECONDS);
            return chromium;
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The DevTools socket of the browser's page, once {@code list} names one. */
    private static Optional<String> pageSocket(HttpClient http, String list) {
        try {
            for (JsonNode target : JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(list)).build(),
                    HttpResponse.BodyHandlers.ofString()).body())) {
                if (target.path("type").asText().equals("page")) {
                    return Optional.of(target.path("webSocketDebuggerUrl").asText());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private WebSocket.Listener listener() {
        StringBuilder message = new StringBuilder();
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    try {
                        JsonNode reply = JSON.readTree(message.toString());
                        CompletableFuture<JsonNode> call = pending.remove(reply.path("id").asInt(-1));
                        if (call != null) {
                            call.complete(reply);
                        }
                    } catch (IOException e) {
                        // Not JSON: nothing waits for it.
                    }
                    message.setLength(0);
                }
                ws.request(1);
                return null;
            }
        };
    }

    /** Sends one DevTools command to the page and waits for its reply's {@code result}. */
    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", params);
        page.sendText(JSON.writeValueAsString(command), true).get(10, TimeUnit.SECONDS);
        JsonNode answer = reply.get(30, TimeUnit.SECONDS);
        if (answer.has("error")) {
            throw new IllegalStateException(method + ": " + answer.get("error"));
        }
        return answer.path("result");
    }

    /** The value of {@code expression} evaluated in the page, as JSON. */
    JsonNode evaluate(String expression) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true);
        return call("Runtime.evaluate", params).path("result").path("value");
    }

    /** Waits until {@code expression} is true in the page; the page is never reloaded meanwhile. */
    void await(String what, String expression, Duration timeout) {
        Await.until("the page to show " + what, timeout, () -> {
            try {
                return evaluate(expression).asBoolean(false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, shown -> shown);
    }

    /** A PNG of the page as it is now. */
    void screenshot(Path file) throws Exception {
        JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    @Override
    public void close() {
        if (page != null) {
            page.abort();
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
