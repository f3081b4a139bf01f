package dev.herd.examples.jdbc;

import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Notes kept in SQLite through plain JDBC, on a virtual thread per request (herd's default), where
 * blocking is allowed: a query, or {@code GET /slow}'s sleep, parks its own request and no other.
 *
 * <p>Every handler process opens the same database file: the first program argument, or
 * {@code herd-notes.db} in the working directory.
 *
 * <pre>./herd serve --app dev.herd.examples.jdbc.Notes --classpath examples/jdbc/target/jdbc.jar:examples/jdbc/target/lib/* -- /tmp/notes.db</pre>
 */
public final class Notes implements HttpApp {
    static final String DEFAULT_FILE = "herd-notes.db";
    static final int MAX_SLOW_MS = 60_000;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    private static final Pattern NOTE = Pattern.compile("/notes/([0-9]{1,18})");
    private static final String COLUMNS = "id, text, created";

    // Written by start, before the handler accepts; read by requests afterwards.
    private volatile Database db;

    /** A stored note. */
    record Note(long id, String text, String created) {
        static Note of(ResultSet row) throws SQLException {
            return new Note(row.getLong("id"), row.getString("text"), row.getString("created"));
        }

        String json() {
            return "{\"id\":" + id + ",\"text\":" + Json.string(text) + ",\"created\":" + Json.string(created) + "}";
        }
    }

    @Override
    public void start(HandlerContext context) throws SQLException {
        Path file = Path.of(context.args().isEmpty() ? DEFAULT_FILE : context.args().getFirst());
        db = Database.open(file);
    }

    @Override
    public void stop(HandlerContext context) throws SQLException {
        db.close();
    }

    @Override
    public Response handle(Request request) throws SQLException, InterruptedException {
        String path = request.path();
        String method = request.method();
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (path.equals("/notes")) {
            return switch (method) {
                case "GET", "HEAD" -> list(request);
                case "POST" -> create(request.bodyText());
                default -> notAllowed("GET, HEAD, POST");
            };
        }
        Matcher note = NOTE.matcher(path);
        if (note.matches()) {
            return get ? find(Long.parseLong(note.group(1))) : notAllowed("GET, HEAD");
        }
        if (path.equals("/slow")) {
            return get ? slow(request) : notAllowed("GET, HEAD");
        }
        return error(404, "no resource at " + path);
    }

    private Response create(String text) throws SQLException {
        if (text.isBlank()) {
            return error(400, "a note needs some text in the request body");
        }
        Note created = db.call(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO notes (text) VALUES (?) RETURNING " + COLUMNS)) {
                insert.setString(1, text);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    return Note.of(row);
                }
            }
        });
        return Response.json(201, created.json()).withHeader("Location", "/notes/" + created.id());
    }

    private Response list(Request request) throws SQLException {
        Optional<Integer> limit = number(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        if (limit.isEmpty()) {
            return error(400, "limit must be a whole number from 1 to " + MAX_LIMIT);
        }
        String json = db.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM notes ORDER BY id DESC LIMIT ?")) {
                select.setInt(1, limit.get());
                StringBuilder out = new StringBuilder("[");
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        out.append(out.length() > 1 ? "," : "").append(Note.of(rows).json());
                    }
                }
                return out.append(']').toString();
            }
        });
        return Response.json(json);
    }

    private Response find(long id) throws SQLException {
        Optional<Note> found = db.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM notes WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(Note.of(row)) : Optional.<Note>empty();
                }
            }
        });
        return found.map(note -> Response.json(note.json())).orElseGet(() -> error(404, "no note " + id));
    }

    /**
     * Blocks for {@code ms}, then counts the notes. The sleep parks this virtual thread only, and
     * holds no connection: requests that arrive meanwhile are answered at once.
     */
    private Response slow(Request request) throws SQLException, InterruptedException {
        Optional<Integer> ms = number(request, "ms", 1_000, 0, MAX_SLOW_MS);
        if (ms.isEmpty()) {
            return error(400, "ms must be a whole number from 0 to " + MAX_SLOW_MS);
        }
        Thread.sleep(ms.get());
        long count = db.call(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM notes");
                 ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
        return Response.json("{\"slept_ms\":" + ms.get() + ",\"notes\":" + count
                + ",\"pid\":" + request.handler().pid() + "}");
    }

    /** Query parameter {@code name} as a number from {@code min} to {@code max}; empty when it is not one. */
    private static Optional<Integer> number(Request request, String name, int absent, int min, int max) {
        Optional<String> value = request.query(name);
        if (value.isEmpty()) {
            return Optional.of(absent);
        }
        try {
            int n = Integer.parseInt(value.get());
            return n >= min && n <= max ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Response error(int status, String message) {
        return Response.json(status, "{\"status\":" + status + ",\"error\":" + Json.string(message) + "}");
    }

    private static Response notAllowed(String allow) {
        return error(405, "method not allowed; use " + allow).withHeader("Allow", allow);
    }
}
