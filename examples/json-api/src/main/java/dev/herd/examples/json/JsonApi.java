package dev.herd.examples.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;

import java.io.IOException;
import java.security.CodeSource;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small JSON API with its own Jackson: {@code GET /about} tells which Jackson and which class
 * loader the application sees, and {@code /items} is a store kept in the memory of each handler
 * process (handlers share nothing, so two requests may see two different stores).
 *
 * <p>It runs on a virtual thread per request (the default), so requests run concurrently: the
 * store is a concurrent map, and the mapper is configured once and then only used.
 *
 * <pre>./herd serve --app dev.herd.examples.json.JsonApi --classpath examples/json-api/target/json-api.jar:examples/json-api/target/lib/*</pre>
 */
public final class JsonApi implements HttpApp {
    private static final String JSON = "application/json";
    // At most 18 digits, so that every id that matches fits in a long.
    private static final Pattern ITEM = Pattern.compile("/items/([0-9]{1,18})");

    private final ObjectMapper mapper = JsonMapper.builder().build();
    private final AtomicLong lastId = new AtomicLong();
    private final ConcurrentNavigableMap<Long, Item> items = new ConcurrentSkipListMap<>();

    /** What a client sends to create an item. */
    public record NewItem(String name, List<String> tags) {
    }

    /** A stored item. */
    public record Item(long id, String name, List<String> tags) {
    }

    /** The body of every error answer. */
    public record Problem(int status, String error) {
    }

    /** The answer of {@code GET /about}. */
    public record About(String jackson, String jacksonJar, String classLoader, String classLoaderName,
                        boolean jacksonInAppLoader, long pid, int slot, int generation, String thread) {
    }

    @Override
    public Response handle(Request request) throws IOException {
        String path = request.path();
        String method = request.method();
        if (path.equals("/about")) {
            return isGet(method) ? json(200, about(request.handler())) : notAllowed("GET, HEAD");
        }
        if (path.equals("/items")) {
            return switch (method) {
                case "GET", "HEAD" -> json(200, items.values());
                case "POST" -> create(request);
                default -> notAllowed("GET, HEAD, POST");
            };
        }
        Matcher item = ITEM.matcher(path);
        if (item.matches()) {
            long id = Long.parseLong(item.group(1));
            return switch (method) {
                case "GET", "HEAD" -> {
                    Item found = items.get(id);
                    yield found == null ? error(404, "no item " + id) : json(200, found);
                }
                case "DELETE" -> items.remove(id) == null ? error(404, "no item " + id) : Response.status(204);
                default -> notAllowed("GET, HEAD, DELETE");
            };
        }
        return error(404, "no resource at " + path);
    }

    private Response create(Request request) throws IOException {
        String type = request.header("Content-Type").orElse(JSON);
        if (!isJson(type)) {
            return error(415, "expected a JSON body (Content-Type: application/json), got " + type);
        }
        NewItem input;
        try {
            input = mapper.readValue(request.body(), NewItem.class);
        } catch (JacksonException e) {
            // Malformed JSON, a wrong type or an unknown field: the client's mistake, said back to it.
            return error(400, "malformed item: " + e.getOriginalMessage());
        }
        if (input == null || input.name() == null || input.name().isBlank()) {
            return error(400, "an item needs a non-blank \"name\"");
        }
        long id = lastId.incrementAndGet();
        Item created = new Item(id, input.name(), input.tags() == null ? List.of() : List.copyOf(input.tags()));
        items.put(id, created);
        return json(201, created).withHeader("Location", "/items/" + id);
    }

    private About about(HandlerContext handler) {
        ClassLoader loader = JsonApi.class.getClassLoader();
        CodeSource jackson = ObjectMapper.class.getProtectionDomain().getCodeSource();
        return new About(
                PackageVersion.VERSION.toString(),
                jackson == null ? "unknown" : jackson.getLocation().toString(),
                String.valueOf(loader),
                String.valueOf(loader.getName()),
                ObjectMapper.class.getClassLoader() == loader,
                handler.pid(), handler.slot(), handler.generation(),
                Thread.currentThread().toString());
    }

    private static boolean isGet(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    /** {@code application/json} or a {@code +json} type (RFC 6839), whatever its parameters. */
    private static boolean isJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return type.equals(JSON) || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private Response json(int status, Object value) throws IOException {
        return Response.bytes(status, JSON, mapper.writeValueAsBytes(value));
    }

    private Response error(int status, String message) throws IOException {
        return json(status, new Problem(status, message));
    }

    private Response notAllowed(String allow) throws IOException {
        return error(405, "method not allowed; use " + allow).withHeader("Allow", allow);
    }
}
