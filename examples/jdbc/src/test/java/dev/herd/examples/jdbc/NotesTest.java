package dev.herd.examples.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.api.HandlerContext;
import dev.herd.api.Headers;
import dev.herd.api.Response;
import dev.herd.examples.testing.Bodies;
import dev.herd.examples.testing.FakeRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<Notes> started = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (Notes notes : started) {
            notes.stop(context());
        }
    }

    private HandlerContext context() {
        return new HandlerContext(4242, 0, 1, List.of(dir.resolve("notes.db").toString()));
    }

    /** One handler process's application, started as herd would start it. */
    private Notes start() throws Exception {
        Notes notes = new Notes();
        notes.start(context());
        started.add(notes);
        return notes;
    }

    private static FakeRequest post(String text) {
        return new FakeRequest("POST", "/notes", Headers.of("Content-Type", "text/plain; charset=utf-8"),
                text.getBytes(StandardCharsets.UTF_8), FakeRequest.HANDLER);
    }

    private static JsonNode json(Response response) throws Exception {
        assertThat(response.contentType()).contains("application/json");
        return MAPPER.readTree(Bodies.bytes(response));
    }

    @Test
    void notesAreStoredReadAndListedNewestFirst() throws Exception {
        Notes notes = start();
        String tricky = "line one\nsays \"hi\" \\ tab\t bell\u0007 é ✓";

        Response created = notes.handle(post(tricky));
        assertThat(created.status()).isEqualTo(201);
        JsonNode note = json(created);
        long id = note.get("id").asLong();
        assertThat(note.get("text").asText()).isEqualTo(tricky);
        assertThat(note.get("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(created.headers().first("Location")).contains("/notes/" + id);
        notes.handle(post("second"));

        assertThat(json(notes.handle(FakeRequest.get("/notes/" + id))).get("text").asText()).isEqualTo(tricky);
        assertThat(json(notes.handle(FakeRequest.get("/notes"))).findValuesAsText("text"))
                .containsExactly("second", tricky);
        assertThat(json(notes.handle(FakeRequest.get("/notes?limit=1"))).findValuesAsText("text"))
                .containsExactly("second");
        assertThat(notes.handle(FakeRequest.get("/notes/" + (id + 100))).status()).isEqualTo(404);
    }

    @Test
    void theDatabaseIsTheFileOfTheFirstArgumentInWalMode() throws Exception {
        start().handle(post("kept"));

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("notes.db"));
             Statement statement = connection.createStatement()) {
            try (ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
                assertThat(mode.next()).isTrue();
                assertThat(mode.getString(1)).isEqualTo("wal");
            }
            try (ResultSet text = statement.executeQuery("SELECT text FROM notes")) {
                assertThat(text.next()).isTrue();
                assertThat(text.getString(1)).isEqualTo("kept");
            }
        }
    }

    @Test
    void handlersStartingTogetherShareOneFile() throws Exception {
        // Each instance stands for a handler process: its own pool, its own connections, one file.
        int handlers = 4;
        int notesEach = 25;
        List<Notes> apps = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Callable<Notes>> starts = new ArrayList<>();
            for (int i = 0; i < handlers; i++) {
                starts.add(() -> {
                    Notes notes = new Notes();
                    notes.start(context());
                    return notes;
                });
            }
            for (Future<Notes> app : threads.invokeAll(starts)) {
                apps.add(app.get());
            }
            started.addAll(apps);

            List<Callable<Long>> posts = new ArrayList<>();
            for (Notes app : apps) {
                for (int i = 0; i < notesEach; i++) {
                    posts.add(() -> json(app.handle(post("note"))).get("id").asLong());
                }
            }
            List<Long> ids = new ArrayList<>();
            for (Future<Long> id : threads.invokeAll(posts)) {
                ids.add(id.get());
            }
            assertThat(ids).doesNotHaveDuplicates().hasSize(handlers * notesEach);
        }
        for (Notes app : apps) {
            assertThat(json(app.handle(FakeRequest.get("/notes?limit=1000")))).hasSize(handlers * notesEach);
        }
    }

    @Test
    void aSlowRequestHoldsNoConnection() throws Exception {
        Notes notes = start();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> slow = new ArrayList<>();
            for (int i = 0; i <= Database.POOL_SIZE; i++) {
                slow.add(threads.submit(() -> notes.handle(FakeRequest.get("/slow?ms=" + Notes.MAX_SLOW_MS))));
            }

            // More sleepers than connections, and yet other requests are answered meanwhile.
            assertThat(notes.handle(post("meanwhile")).status()).isEqualTo(201);
            assertThat(notes.handle(FakeRequest.get("/notes")).status()).isEqualTo(200);
            assertThat(slow).noneMatch(Future::isDone);
            slow.forEach(request -> request.cancel(true));
        }
        JsonNode quick = json(notes.handle(FakeRequest.get("/slow?ms=0")));
        assertThat(quick.get("notes").asLong()).isEqualTo(1);
        assertThat(quick.get("pid").asLong()).isEqualTo(FakeRequest.HANDLER.pid());
    }

    @Test
    void aDrainingHandlerStillAnswers() throws Exception {
        Notes notes = new Notes();
        notes.start(context());
        notes.handle(post("before"));

        notes.stop(context());

        assertThat(notes.handle(post("after")).status()).isEqualTo(201);
        assertThat(json(notes.handle(FakeRequest.get("/notes"))).findValuesAsText("text"))
                .containsExactly("after", "before");
    }

    @Test
    void aDatabaseThatCannotBeOpenedFailsTheStart() {
        Notes notes = new Notes();
        HandlerContext nowhere = new HandlerContext(1, 0, 1, List.of(dir.resolve("missing/dir/notes.db").toString()));

        assertThatThrownBy(() -> notes.start(nowhere)).isInstanceOf(java.sql.SQLException.class);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "POST,   /notes,          400",
            "GET,    /slow?ms=-1,     400",
            "GET,    /slow?ms=x,      400",
            "GET,    /slow?ms=60001,  400",
            "GET,    /notes?limit=0,  400",
            "DELETE, /notes,          405",
            "PUT,    /notes/1,        405",
            "POST,   /slow,           405",
            "GET,    /notes/x,        404",
            "GET,    /,               404"})
    void badRequests(String method, String target, int status) throws Exception {
        Response response = start().handle(FakeRequest.of(method, target));

        assertThat(response.status()).isEqualTo(status);
        assertThat(json(response).get("error").asText()).isNotBlank();
        if (status == 405) {
            assertThat(response.headers().first("Allow")).isPresent();
        }
    }
}
