package dev.herd.handler.jdk;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.junit.jupiter.api.Test;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** What stands between a request and its handler: the program's filters, then its authenticator. */
class HerdHttpContextTest {
    private final Fixture fixture = new Fixture();
    private final List<String> steps = new CopyOnWriteArrayList<>();

    private HttpHandler recording(String answer) {
        return exchange -> {
            steps.add("handler");
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        };
    }

    private Filter step(String name) {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                steps.add(name);
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return name;
            }
        };
    }

    @Test
    void filtersRunInTheirOrderAroundTheHandler() {
        HttpContext context = fixture.serve("/", recording("ok"));
        context.getFilters().add(step("first"));
        context.getFilters().add(Filter.afterHandler("after", exchange -> steps.add("after " + exchange.getResponseCode())));
        context.getFilters().add(step("second"));

        FakeCall call = fixture.get("/");

        assertThat(call.text()).isEqualTo("ok");
        // The after-filter runs on the exchange's thread once the response is out: wait for it.
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (steps.size() < 4 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(steps).containsExactly("first", "second", "handler", "after 200");
    }

    @Test
    void aFilterMayAnswerInsteadOfTheHandler() {
        HttpContext context = fixture.serve("/", recording("never"));
        context.getFilters().add(new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                exchange.sendResponseHeaders(403, -1);
            }

            @Override
            public String description() {
                return "deny";
            }
        });

        assertThat(fixture.get("/").status()).isEqualTo(403);
        assertThat(steps).isEmpty();
    }

    @Test
    void setStreamsLetsAFilterWrapBothBodies() {
        HttpContext context = fixture.serve("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
                out.write(" and back".getBytes(StandardCharsets.UTF_8));
            }
        });
        context.getFilters().add(new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                exchange.setStreams(new Upper(exchange.getRequestBody()), new Bracketed(exchange.getResponseBody()));
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "upper case in, brackets out";
            }
        });

        FakeCall call = fixture.call(FakeCall.withBody("POST", "/", "there".getBytes(StandardCharsets.UTF_8)));

        assertThat(call.text()).isEqualTo("[THERE and back]");
    }

    @Test
    void basicAuthenticationAsksThenLetsTheRightUserIn() {
        HttpContext context = fixture.serve("/", exchange -> {
            steps.add("handler");
            recording(exchange.getPrincipal().getUsername() + "@" + exchange.getPrincipal().getRealm())
                    .handle(exchange);
        });
        context.setAuthenticator(new BasicAuthenticator("herd", StandardCharsets.UTF_8) {
            @Override
            public boolean checkCredentials(String user, String password) {
                return user.equals("ann") && password.equals("secret");
            }
        });

        FakeCall anonymous = fixture.get("/");
        FakeCall wrong = fixture.call(FakeCall.request("GET", "/", "Authorization", basic("ann", "guess")));
        FakeCall right = fixture.call(FakeCall.request("GET", "/", "Authorization", basic("ann", "secret")));

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Basic realm=\"herd\", charset=\"UTF-8\"");
        assertThat(anonymous.text()).isEmpty();
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(right.status()).isEqualTo(200);
        assertThat(right.text()).isEqualTo("ann@herd");
        assertThat(steps).containsExactly("handler", "handler");
    }

    @Test
    void theAuthenticatorRunsAfterTheProgramsFilters() {
        HttpContext context = fixture.serve("/", recording("in"));
        context.getFilters().add(step("filter"));
        context.setAuthenticator(new Authenticator() {
            @Override
            public Result authenticate(HttpExchange exchange) {
                steps.add("authenticator");
                return new Failure(403);
            }
        });

        assertThat(fixture.get("/").status()).isEqualTo(403);
        assertThat(steps).containsExactly("filter", "authenticator");
    }

    @Test
    void anAuthenticatorWithAResultOfItsOwnAnswers500() {
        HttpContext context = fixture.serve("/", recording("never"));
        context.setAuthenticator(new Authenticator() {
            @Override
            public Result authenticate(HttpExchange exchange) {
                return new Result() {
                };
            }
        });

        assertThat(fixture.get("/").status()).isEqualTo(500);
        assertThat(steps).isEmpty();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static final class Upper extends FilterInputStream {
        Upper(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] bytes, int offset, int count) throws IOException {
            int n = super.read(bytes, offset, count);
            for (int i = offset; i < offset + Math.max(n, 0); i++) {
                bytes[i] = (byte) Character.toUpperCase(bytes[i]);
            }
            return n;
        }
    }

    private static final class Bracketed extends FilterOutputStream {
        private boolean opened;

        Bracketed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int count) throws IOException {
            if (!opened) {
                opened = true;
                out.write('[');
            }
            out.write(bytes, offset, count);
        }

        @Override
        public void close() throws IOException {
            out.write(']');
            super.close();
        }
    }
}
