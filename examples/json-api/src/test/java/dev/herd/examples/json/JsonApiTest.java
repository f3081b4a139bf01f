package dev.herd.examples.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.api.Headers;
import dev.herd.api.Response;
import dev.herd.examples.testing.Bodies;
import dev.herd.examples.testing.FakeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class JsonApiTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonApi app = new JsonApi();

    private Response send(FakeRequest request) throws Exception {
        return app.handle(request);
    }

    private static JsonNode json(Response response) throws Exception {
        assertThat(response.contentType()).contains("application/json");
        return MAPPER.readTree(Bodies.bytes(response));
    }

    private Response post(String body) throws Exception {
        return send(FakeRequest.post("/items", "application/json", body));
    }

    @Test
    void aboutTellsWhichJacksonTheApplicationSees() throws Exception {
        JsonNode about = json(send(FakeRequest.get("/about")));

        // The version this module depends on, not herd's (2.21.x): the build keeps them apart.
        assertThat(about.get("jackson").asText()).isEqualTo("2.17.2");
        assertThat(about.get("jacksonJar").asText()).contains("jackson-databind-2.17.2");
        assertThat(about.get("pid").asLong()).isEqualTo(FakeRequest.HANDLER.pid());
        assertThat(about.get("slot").asInt()).isEqualTo(FakeRequest.HANDLER.slot());
        assertThat(about.get("generation").asInt()).isEqualTo(FakeRequest.HANDLER.generation());
        assertThat(about.has("classLoader")).isTrue();
    }

    @Test
    void createdItemsCanBeReadListedAndDeleted() throws Exception {
        Response created = post("{\"name\":\"hammer\",\"tags\":[\"tool\"]}");
        assertThat(created.status()).isEqualTo(201);
        long id = json(created).get("id").asLong();
        assertThat(created.headers().first("Location")).contains("/items/" + id);
        post("{\"name\":\"nail\"}");

        JsonNode item = json(send(FakeRequest.get("/items/" + id)));
        assertThat(item.get("name").asText()).isEqualTo("hammer");
        assertThat(item.get("tags").get(0).asText()).isEqualTo("tool");
        assertThat(json(send(FakeRequest.get("/items"))).findValuesAsText("name")).containsExactly("hammer", "nail");

        assertThat(send(FakeRequest.of("DELETE", "/items/" + id)).status()).isEqualTo(204);
        assertThat(send(FakeRequest.get("/items/" + id)).status()).isEqualTo(404);
        assertThat(send(FakeRequest.of("DELETE", "/items/" + id)).status()).isEqualTo(404);
        assertThat(json(send(FakeRequest.get("/items"))).findValuesAsText("name")).containsExactly("nail");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"name\":", "not json", "", "null", "[1, 2]", "{\"name\":\"x\",\"colour\":\"red\"}",
            "{\"name\":\"  \"}", "{\"tags\":[]}"})
    void badItemsAre400WithAJsonError(String body) throws Exception {
        Response response = post(body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).isNotBlank();
        assertThat(json(send(FakeRequest.get("/items")))).isEmpty();
    }

    @Test
    void aBodyThatIsNotJsonIs415() throws Exception {
        Response response = send(FakeRequest.post("/items", "text/plain", "{\"name\":\"x\"}"));

        assertThat(response.status()).isEqualTo(415);
        assertThat(send(FakeRequest.post("/items", "application/merge-patch+json; charset=utf-8", "{\"name\":\"x\"}"))
                .status()).isEqualTo(201);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "PUT,    /items,   'GET, HEAD, POST'",
            "POST,   /items/1, 'GET, HEAD, DELETE'",
            "DELETE, /about,   'GET, HEAD'"})
    void aWrongMethodIs405WithAllow(String method, String target, String allow) throws Exception {
        Response response = send(new FakeRequest(method, target, Headers.empty(), new byte[0], FakeRequest.HANDLER));

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.headers().first("Allow")).contains(allow);
        assertThat(json(response).get("status").asInt()).isEqualTo(405);
    }

    @ParameterizedTest
    @CsvSource({"/", "/items/", "/items/abc", "/items/1/2", "/items/12345678901234567890"})
    void unknownPathsAre404(String target) throws Exception {
        assertThat(send(FakeRequest.get(target)).status()).isEqualTo(404);
    }

    @Test
    void concurrentCreatesGetDistinctIds() throws Exception {
        List<Callable<Long>> creates = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            creates.add(() -> json(post("{\"name\":\"n\"}")).get("id").asLong());
        }
        List<Long> ids = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Long> id : threads.invokeAll(creates)) {
                ids.add(id.get());
            }
        }

        assertThat(ids).doesNotHaveDuplicates().hasSize(200);
        assertThat(json(send(FakeRequest.get("/items")))).hasSize(200);
    }
}
