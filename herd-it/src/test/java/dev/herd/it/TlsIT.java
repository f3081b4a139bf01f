package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * herd facing clients over TLS and HTTP/2, tried with the clients and validators people use: curl
 * over HTTP/2 and HTTP/1.1, openssl s_client (protocol versions, SNI, resumption on either of two
 * handlers), h2load, and testssl.sh. One server for the class: two handlers, two certificates
 * (ECDSA P-256 for localhost, RSA 2048 for other.test), the demo application and a static file, on
 * a TLS address and a cleartext one that also speaks HTTP/2 by prior knowledge ({@code --h2c}),
 * where the known abuses of HTTP/2 are sent frame by frame ({@link RawHttp2}): every abusive
 * connection is closed, both handlers keep serving everyone else, and memory stays bounded.
 * Servers of their own show certificates renewed by a reload under load (as certbot's deploy hook
 * would: the files replaced, then {@code herd reload}), GOAWAY when a reload drains an HTTP/2
 * connection, several addresses with a redirect, and the JDK's TLS. All of it runs while
 * testssl.sh does, which takes most of a minute.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsIT {
    private static final Duration TOOL = Duration.ofSeconds(60);
    private static final Duration TESTSSL = Duration.ofSeconds(240);
    private static final Pattern PID = Pattern.compile("\"pid\":(\\d+)");

    private static Path dir;
    private static TestCertificates certificates;
    private static TestCertificates.Issued site;
    private static HerdProcess herd;
    private static int port;
    /** The shared server's second address: cleartext, HTTP/2 by prior knowledge. */
    private static InetSocketAddress h2c;
    private static final Duration CLOSED = Duration.ofSeconds(15);
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);
    private static Path big;
    /** testssl.sh runs from the start, beside the other tests: it takes most of a minute. */
    private static Process testssl;
    private static Path testsslJson;

    @BeforeAll
    static void start() throws IOException {
        Tools.require(Tools.Tool.TLS);
        dir = Files.createTempDirectory("herd-tls-it");
        certificates = new TestCertificates(dir);
        site = certificates.issue("site", "localhost", "herd", false, 90);
        TestCertificates.Issued other = certificates.issue("other", "other.test", "herd", true, 90);
        Path files = Files.createDirectories(dir.resolve("files"));
        big = files.resolve("big.bin");
        byte[] bytes = new byte[1_500_000];
        new Random(7).nextBytes(bytes);
        Files.write(big, bytes);
        herd = HerdProcess.serve("tls", "--handlers", "2", "--warmup", "off", "--app", "demo", "--static", "/files=" + files,
                "--tls-cert", site.chain().toString(), "--tls-key", site.key().toString(),
                "--tls-cert", other.chain().toString(), "--tls-key", other.key().toString(),
                "--bind", "http://127.0.0.1:0", "--h2c", "on", "--body-timeout", BODY_TIMEOUT.toSeconds() + "s",
                "--access-log", "-");
        herd.awaitReady(2);
        port = ((InetSocketAddress) herd.address()).getPort();
        h2c = new InetSocketAddress("127.0.0.1", ports(herd, 2).get(1));
        testsslJson = dir.resolve("testssl.json");
        testssl = new ProcessBuilder("testssl", "--quiet", "--color", "0", "--warnings", "off", "--protocols",
                "--std", "--vulnerable", "--jsonfile", testsslJson.toString(), "127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("testssl.txt").toFile()).start();
    }

    @AfterAll
    static void stop() {
        if (testssl != null) {
            testssl.destroyForcibly();
        }
        if (herd != null) {
            assertThat(herd.unexpectedProblems()).isEmpty();
            herd.close();
        }
    }

    private static String url(String path) {
        return "https://localhost:" + port + path;
    }

    private static Tools.Result curl(String... args) {
        return curlAt(port, args);
    }

    /** curl trusting the test root, with localhost:{@code httpsPort} at 127.0.0.1. */
    private static Tools.Result curlAt(int httpsPort, String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert", certificates.rootFile().toString(),
                "--resolve", "localhost:" + httpsPort + ":127.0.0.1"));
        command.addAll(List.of(args));
        return Tools.run(TOOL, null, command.toArray(String[]::new));
    }

    private static Tools.Result openssl(String input, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-CAfile", certificates.rootFile().toString()));
        command.addAll(List.of(args));
        return Tools.run(TOOL, input, command.toArray(String[]::new));
    }

    @Test
    void curlSpeaksHttp2AndHttp11OverTls() throws IOException {
        Path upload = dir.resolve("upload.bin");
        Files.write(upload, java.util.Arrays.copyOf(Files.readAllBytes(big), 200_000));
        for (String version : List.of("--http2", "--http1.1")) {
            String expected = version.equals("--http2") ? "2" : "1.1";
            Tools.Result hello = curl(version, "-w", "\n%{http_version} %{ssl_verify_result}", url("/"));
            assertThat(hello.output()).as(version).isEqualTo("Hello, World!\n" + expected + " 0");

            Path got = dir.resolve("got" + expected);
            Tools.Result file = curl(version, "-o", got.toString(), "-w", "%{http_code} %{size_download}",
                    url("/files/big.bin"));
            assertThat(file.output()).as(version).isEqualTo("200 " + Files.size(big));
            assertThat(Files.readAllBytes(got)).isEqualTo(Files.readAllBytes(big));

            Path echoed = dir.resolve("echoed" + expected);
            Tools.Result echo = curl(version, "--data-binary", "@" + upload, "-H", "Content-Type: application/octet-stream",
                    "-o", echoed.toString(), "-w", "%{http_code}", url("/echo"));
            assertThat(echo.output()).as(version).isEqualTo("200");
            assertThat(Files.readAllBytes(echoed)).isEqualTo(Files.readAllBytes(upload));
        }
        // Over --max-body: 413, over HTTP/2 as over HTTP/1.1.
        Path tooBig = dir.resolve("too-big.bin");
        Files.write(tooBig, new byte[2 * 1024 * 1024]);
        assertThat(curl("--http2", "--data-binary", "@" + tooBig, "-o", "/dev/null", "-w", "%{http_code}",
                url("/echo")).output()).isEqualTo("413");
    }

    @Test
    void onlyTls12And13AreSpokenAndTheNameChoosesTheCertificate() {
        Tools.Result old = openssl("", "-tls1_1", "-servername", "localhost");
        assertThat(old.status()).isNotZero();
        assertThat(old.output()).doesNotContain("Cipher is TLS").containsPattern("alert protocol version|no protocols available");

        Tools.Result tls12 = openssl("", "-tls1_2", "-servername", "localhost");
        assertThat(tls12.output()).contains("Protocol  : TLSv1.2").contains("Cipher    : ECDHE-ECDSA-")
                .contains("Verify return code: 0 (ok)");
        Tools.Result tls13 = openssl("", "-tls1_3", "-servername", "localhost");
        assertThat(tls13.output()).contains("New, TLSv1.3").contains("subject=O = herd, CN = localhost")
                .contains("Verify return code: 0 (ok)");

        Tools.Result other = openssl("", "-servername", "other.test");
        assertThat(other.output()).contains("subject=O = herd, CN = other.test").contains("Server public key is 2048 bit");
        Tools.Result nameless = openssl("", "-noservername");
        assertThat(nameless.output()).contains("subject=O = herd, CN = localhost");
        Tools.Result alpn = openssl("", "-servername", "localhost", "-alpn", "h2,http/1.1");
        assertThat(alpn.output()).contains("ALPN protocol: h2");
    }

    @Test
    void aSessionResumesOnEitherHandler() throws IOException {
        for (String version : List.of("-tls1_3", "-tls1_2")) {
            Path session = dir.resolve("session" + version);
            String request = "GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
            Tools.Result first = openssl(request, version, "-servername", "localhost", "-ign_eof",
                    "-sess_out", session.toString());
            assertThat(first.output()).as(version).containsPattern("New, TLSv1\\.[23]");
            Set<Long> resumedBy = new HashSet<>();
            int resumed = 0;
            int tries = 0;
            // The kernel gives each connection to either handler: within 40, both have had some.
            while (tries < 40 && (resumedBy.size() < 2 || tries < 10)) {
                tries++;
                Tools.Result again = openssl(request, version, "-servername", "localhost", "-ign_eof",
                        "-sess_in", session.toString());
                Matcher pid = PID.matcher(again.output());
                assertThat(pid.find()).as(again.output()).isTrue();
                if (again.output().contains("Reused, TLSv1.")) {
                    resumed++;
                    resumedBy.add(Long.parseLong(pid.group(1)));
                }
            }
            assertThat(resumed).as(version + ": resumed of " + tries).isEqualTo(tries);
            assertThat(resumedBy).as(version + ": handlers that resumed the session").hasSize(2);
        }
    }

    /** Last: testssl.sh ran meanwhile, beside every other test of the class. */
    @Test
    @Order(Integer.MAX_VALUE)
    void testsslFindsNoWeakProtocolCipherOrVulnerability() throws Exception {
        assertThat(testssl.waitFor(TESTSSL.toSeconds(), TimeUnit.SECONDS)).as("testssl.sh done").isTrue();
        String report = Files.readString(dir.resolve("testssl.txt"), StandardCharsets.UTF_8);
        JsonNode findings = new ObjectMapper().readTree(testsslJson.toFile());
        List<String> weak = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode finding : findings) {
            ids.add(finding.path("id").asText());
            String severity = finding.path("severity").asText();
            if (!Set.of("OK", "INFO").contains(severity)) {
                weak.add(finding.path("id").asText() + " " + severity + ": " + finding.path("finding").asText());
            }
        }
        assertThat(weak).as(report).isEmpty();
        assertThat(ids).as(report).contains("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3", "heartbleed",
                "ROBOT", "LUCKY13", "cipherlist_STRONG");
        assertThat(findings.findValuesAsText("finding")).as(report).contains("not offered", "offered with final");
    }

    // ---- certificates renewed by a reload (a server of their own) ----


    @Test
    void aRenewedCertificateIsServedAfterAReloadUnderLoadAndABrokenKeyIsRefused(@TempDir Path dir)
            throws Exception {
        Tools.require(Tools.Tool.TLS);
        TestCertificates certificates = new TestCertificates(dir);
        TestCertificates.Issued first = certificates.issue("first", "localhost", "first", false, 30);
        Path chain = dir.resolve("live.pem");
        Path key = dir.resolve("live.key");
        Files.copy(first.chain(), chain);
        Files.copy(first.key(), key);
        try (HerdProcess herd = HerdProcess.serve("tls-reload", "--handlers", "2", "--warmup", "off",
                "--tls-cert", chain.toString(), "--tls-key", key.toString())) {
            herd.awaitReady(2);
            int port = ((InetSocketAddress) herd.address()).getPort();
            assertThat(subject(certificates, port)).isEqualTo("subject=O = first, CN = localhost");
            String notAfter = herd.status().at("/tls/certificates/0/not_after").asText();

            // Closed-loop clients for a few seconds each side of the reload: keep-alive HTTP/1.1 and HTTP/2.
            long before = requests(herd);
            Process h1 = load(port, "--h1");
            Process h2 = load(port, "-m", "8");
            TestCertificates.Issued second = certificates.issue("second", "localhost", "second", false, 60);
            herd.awaitHandlers("the load under way", TOOL, s -> requests(s) >= before + 500);
            renew(second, chain, key);
            HerdProcess.CliResult reload = herd.cli("reload");
            assertThat(reload.status()).as(reload.err()).isZero();

            assertThat(finished(h1)).contains("Application protocol: http/1.1").contains(" 0 failed, 0 errored, 0 timeout");
            assertThat(finished(h2)).contains("Application protocol: h2").contains(" 0 failed, 0 errored, 0 timeout");
            assertThat(subject(certificates, port)).isEqualTo("subject=O = second, CN = localhost");
            assertThat(herd.status().at("/tls/certificates/0/not_after").asText()).isNotEqualTo(notAfter);

            // A key that is not the certificate's: refused with the reason, the second certificate serves on.
            TestCertificates.Issued third = certificates.issue("third", "localhost", "third", false, 90);
            Files.copy(third.chain(), chain, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(first.key(), key, StandardCopyOption.REPLACE_EXISTING);
            HerdProcess.CliResult refused = herd.cli("reload");
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err()).contains(key.toString()).contains("this key is not the certificate's")
                    .contains("generation 2 keeps serving");
            assertThat(subject(certificates, port)).isEqualTo("subject=O = second, CN = localhost");
            assertThat(herd.status().path("generation").asInt()).isEqualTo(2);
            assertThat(herd.unexpectedProblems("reload refused")).isEmpty();
        }
    }

    /** Requests the handlers have answered, by the scoreboard. */
    private static long requests(HerdProcess herd) {
        return requests(herd.status());
    }

    private static long requests(JsonNode status) {
        long sum = 0;
        for (JsonNode handler : status.path("handlers")) {
            sum += handler.path("requests").asLong();
        }
        return sum;
    }

    /** What a deploy hook does: the new files over the old ones, each replaced whole. */
    private static void renew(TestCertificates.Issued next, Path chain, Path key) throws IOException {
        Files.copy(next.chain(), chain.resolveSibling("live.pem.new"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(next.key(), key.resolveSibling("live.key.new"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(chain.resolveSibling("live.pem.new"), chain, StandardCopyOption.ATOMIC_MOVE);
        Files.move(key.resolveSibling("live.key.new"), key, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Process load(int port, String... options) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("h2load", "-D", "5", "-c", "2", "--rps", "200"));
        command.addAll(List.of(options));
        command.add("https://127.0.0.1:" + port + "/");
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String finished(Process load) throws Exception {
        assertThat(load.waitFor(TOOL.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String output = new String(load.getInputStream().readAllBytes());
        assertThat(output).containsPattern("requests: \\d+ total, \\d+ started, \\d+ done, [1-9]\\d* succeeded");
        return output;
    }

    private static String subject(TestCertificates certificates, int port) {
        Tools.Result result = Tools.run(TOOL, "", "openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-CAfile", certificates.rootFile().toString());
        return result.lines().stream().filter(l -> l.startsWith("subject=")).findFirst().orElse(result.output());
    }

    // ---- the JDK's TLS where BoringSSL cannot load (a server of its own) ----

    @Test
    void theJdksTlsServesWhereBoringSslCannotLoad() {
        String options = dev.herd.config.Settings.HANDLER_JVM_OPTS.defaultText() + " -Dio.netty.handler.ssl.noOpenSsl=true";
        try (HerdProcess herd = serveAddresses("tls-jdk", 1, "--bind", "127.0.0.1:0", "--handler-jvm-opts", options)) {
            int jdkPort = ((InetSocketAddress) herd.address()).getPort();
            assertThat(curlAt(jdkPort, "--http2", "-w", " %{http_version}", "https://localhost:" + jdkPort + "/").output())
                    .isEqualTo("Hello, World! 2");
            Path got = dir.resolve("got-jdk");
            assertThat(curlAt(jdkPort, "--http1.1", "-o", got.toString(), "-w", "%{http_code}",
                    "https://localhost:" + jdkPort + "/files/none").output()).isEqualTo("404");
            Tools.Result tls12 = Tools.run(TOOL, "", "openssl", "s_client", "-connect", "127.0.0.1:" + jdkPort,
                    "-tls1_2", "-servername", "localhost", "-CAfile", certificates.rootFile().toString());
            assertThat(tls12.output()).contains("Protocol  : TLSv1.2").contains("Cipher    : ECDHE-ECDSA-");
            assertThat(herd.output()).contains("TLS by the JDK: BoringSSL (netty-tcnative) did not load");
            assertThat(herd.unexpectedProblems("TLS by the JDK")).isEmpty();
        }
    }

    // ---- several addresses (servers of their own) ----

    private static final Pattern LISTENING_ON = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(bound, backlog \\d+, (TLS|cleartext)");

    /** A server of its own with the site's certificate on the addresses {@code args} give; ready. */
    private static HerdProcess serveAddresses(String name, int handlers, String... args) {
        List<String> all = new ArrayList<>(List.of("--admin", "127.0.0.1:0", "--handlers", String.valueOf(handlers),
                "--warmup", "off",
                "--tls-cert", site.chain().toString(), "--tls-key", site.key().toString()));
        all.addAll(List.of(args));
        HerdProcess herd = HerdProcess.serveExactly(name, all.toArray(String[]::new));
        herd.awaitReady(handlers);
        return herd;
    }

    /** The ports the server logged, in --bind's order. */
    private static List<Integer> ports(HerdProcess herd, int count) {
        herd.awaitLine("listening on", Duration.ofSeconds(30));
        List<Integer> ports = herd.lines().stream().map(LISTENING_ON::matcher).filter(Matcher::find)
                .map(m -> Integer.parseInt(m.group(1))).toList();
        assertThat(ports).hasSize(count);
        return ports;
    }


    @Test
    void tlsAndCleartextOnTwoAddressesOfOneServer() {
        try (HerdProcess herd = serveAddresses("tls-binds", 2, "--bind", "https://127.0.0.1:0", "--bind",
                "http://127.0.0.1:0", "--h2c", "on")) {
            List<Integer> ports = ports(herd, 2);
            int https = ports.get(0);
            int http = ports.get(1);

            assertThat(curlAt(https, "--http2", "-w", " %{http_version}", "https://localhost:" + https + "/")
                    .output()).isEqualTo("Hello, World! 2");
            assertThat(curlAt(https, "-w", " %{http_version}", "http://127.0.0.1:" + http + "/").output())
                    .isEqualTo("Hello, World! 1.1");
            assertThat(curlAt(https, "--http2-prior-knowledge", "-w", " %{http_version}",
                    "http://127.0.0.1:" + http + "/").output()).isEqualTo("Hello, World! 2");
            // TLS is not spoken on the cleartext address, nor cleartext on the TLS one.
            assertThat(curlAt(https, "-w", "%{http_code}", "-o", "/dev/null",
                    "http://127.0.0.1:" + https + "/").output()).doesNotStartWith("200");
            assertThat(herd.output()).contains("(bound, backlog").contains(", TLS)").contains(", cleartext)");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void aCleartextAddressRedirectsToTheTlsOne() {
        try (HerdProcess herd = serveAddresses("tls-redirect", 1, "--bind", "http://127.0.0.1:0", "--bind",
                "https://127.0.0.1:0", "--tls-redirect", "on")) {
            List<Integer> ports = ports(herd, 2);
            int http = ports.get(0);
            int https = ports.get(1);

            Tools.Result redirect = curlAt(https, "-D", "-", "-o", "/dev/null",
                    "http://localhost:" + http + "/whoami?x=1", "--resolve", "localhost:" + http + ":127.0.0.1");
            assertThat(redirect.output()).startsWith("HTTP/1.1 308 Permanent Redirect")
                    .containsIgnoringCase("location: https://localhost:" + https + "/whoami?x=1");
            Tools.Result followed = curlAt(https, "-L", "-w", " %{http_version} %{url_effective}",
                    "http://localhost:" + http + "/", "--resolve", "localhost:" + http + ":127.0.0.1");
            assertThat(followed.output()).isEqualTo("Hello, World! 2 https://localhost:" + https + "/");
            assertThat(herd.output()).contains(", cleartext, redirecting to https)");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    private static String h2cUrl(String path) {
        return "http://127.0.0.1:" + h2c.getPort() + path;
    }

    /** Both handlers answer a new client, over HTTP/2 and over HTTP/1.1. */
    private static void everyoneElseIsServed() {
        for (int i = 0; i < 4; i++) {
            assertThat(curl("--http1.1", "-w", " %{http_version}", url("/")).output()).isEqualTo("Hello, World! 1.1");
            Tools.Result curl = Tools.run(TOOL, null, "curl", "-sS", "--http2-prior-knowledge", "-w", " %{http_version}",
                    h2cUrl("/"));
            assertThat(curl.output()).isEqualTo("Hello, World! 2");
        }
    }

    // ---- cleartext HTTP/2 by prior knowledge, and its abuses, on the shared server's second address ----

    @Test
    void priorKnowledgeSpeaksHttp2AndOthersHttp11OnTheSameAddress() {
        assertThat(Tools.run(TOOL, null, "curl", "-sS", "--http2-prior-knowledge", "-w", " %{http_version}", h2cUrl("/"))
                .output()).isEqualTo("Hello, World! 2");
        assertThat(Tools.run(TOOL, null, "curl", "-sS", "--http1.1", "-w", " %{http_version}", h2cUrl("/")).output())
                .isEqualTo("Hello, World! 1.1");
        // The access log says what the client spoke.
        herd.awaitLine("\"GET / HTTP/2.0\" 200 13", Duration.ofSeconds(10));
        Tools.Result h2load = Tools.run(TOOL, null, "h2load", "-n", "3000", "-c", "4", "-m", "16", h2cUrl("/"));
        assertThat(h2load.output()).contains("Application protocol: h2c")
                .contains("3000 succeeded, 0 failed, 0 errored, 0 timeout");
    }

    @Test
    void rapidResetEndsTheConnection() throws IOException {
        try (RawHttp2 h2 = new RawHttp2(h2c)) {
            int sent = h2.flood(20_000, (c, i) -> {
                c.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS | RawHttp2.END_STREAM, 2 * i + 1,
                        RawHttp2.head("GET", "/"));
                c.reset(2 * i + 1);
            });
            RawHttp2.Frame goAway = h2.goAwayThenClose(CLOSED);
            // The server stops after a few hundred resets: the connection ends, most of the flood unread.
            // Its GOAWAY may be lost to the reset that closing with unread input makes.
            assertThat(h2.answers.get()).as("streams answered of " + sent).isLessThan(5_000);
            if (goAway != null) {
                assertThat(goAway.errorCode()).as("GOAWAYs %s", h2.goAways).isEqualTo(RawHttp2.ENHANCE_YOUR_CALM);
            }
        }
        everyoneElseIsServed();
    }

    @Test
    void aFloodOfContinuationFramesEndsTheConnection() throws IOException {
        // Many small frames: CVE-2024-27316's pattern, which costs the server per frame.
        try (RawHttp2 h2 = new RawHttp2(h2c)) {
            h2.frame(RawHttp2.HEADERS, 0, 1, RawHttp2.head("GET", "/"));
            int sent = h2.flood(100_000, (c, i) -> {
                ByteArrayOutputStream field = new ByteArrayOutputStream();
                RawHttp2.literal(field, "x", "y");
                c.frame(RawHttp2.CONTINUATION, 0, 1, field.toByteArray());
            });
            assertThat(h2.goAwayThenClose(CLOSED)).as("GOAWAY after " + sent + " frames").isNotNull();
        }
        // One field that never ends, in large frames: the header list's bound stops it.
        try (RawHttp2 h2 = new RawHttp2(h2c)) {
            ByteArrayOutputStream start = new ByteArrayOutputStream();
            start.writeBytes(RawHttp2.head("GET", "/"));
            start.write(0);
            start.write(5);
            start.writeBytes("x-big".getBytes(StandardCharsets.US_ASCII));
            // A value of 100 MB, announced with a multi-byte length (RFC 7541 §5.1).
            start.writeBytes(new byte[] {0x7f, (byte) 0x81, (byte) 0xc2, (byte) 0xd7, 0x2f});
            h2.frame(RawHttp2.HEADERS, 0, 1, start.toByteArray());
            byte[] piece = new byte[16_000];
            Arrays.fill(piece, (byte) 'a');
            int sent = h2.flood(6_000, (c, i) -> c.frame(RawHttp2.CONTINUATION, 0, 1, piece));
            assertThat(h2.goAwayThenClose(CLOSED)).as("GOAWAY after " + sent + " frames").isNotNull();
            assertThat(sent).isLessThan(6_000);
        }
        everyoneElseIsServed();
    }

    @Test
    void aHeaderListOverTheLimitIs431AndTheConnectionGoesOn() throws IOException {
        try (RawHttp2 h2 = new RawHttp2(h2c)) {
            char[] value = new char[17_000];
            Arrays.fill(value, 'v');
            byte[] block = RawHttp2.head("GET", "/", "x-big", new String(value));
            h2.frame(RawHttp2.HEADERS, RawHttp2.END_STREAM, 1, Arrays.copyOf(block, 16_000));
            h2.frame(RawHttp2.CONTINUATION, RawHttp2.END_HEADERS, 1, Arrays.copyOfRange(block, 16_000, block.length));
            h2.flush();
            assertThat(statusOf(h2, 1)).isEqualTo("431");
            h2.get(3, "/");
            assertThat(statusOf(h2, 3)).isEqualTo("200");
        }
        everyoneElseIsServed();
    }

    @Test
    void aClientThatOpensNoWindowIsCut() throws IOException {
        try (RawHttp2 h2 = new RawHttp2(h2c, RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
            long began = System.nanoTime();
            h2.get(1, "/files/big.bin");
            assertThat(h2.goAwayThenClose(CLOSED.plus(BODY_TIMEOUT))).isNotNull();
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            assertThat(took).isGreaterThanOrEqualTo(BODY_TIMEOUT);
        }
        everyoneElseIsServed();
    }

    @Test
    void abusedHandlersKeepTheirMemoryBounded() throws IOException {
        long before = maxResident(herd.status());
        for (int round = 0; round < 3; round++) {
            try (RawHttp2 h2 = new RawHttp2(h2c)) {
                h2.flood(20_000, (c, i) -> {
                    c.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS | RawHttp2.END_STREAM, 2 * i + 1,
                            RawHttp2.head("GET", "/"));
                    c.reset(2 * i + 1);
                });
                h2.goAwayThenClose(CLOSED);
            }
            try (RawHttp2 h2 = new RawHttp2(h2c)) {
                h2.frame(RawHttp2.HEADERS, 0, 1, RawHttp2.head("GET", "/"));
                h2.flood(100_000, (c, i) -> c.frame(RawHttp2.CONTINUATION, 0, 1, new byte[] {0, 1, 'x', 1, 'y'}));
                h2.goAwayThenClose(CLOSED);
            }
        }
        everyoneElseIsServed();
        long after = maxResident(herd.status());
        assertThat(after).as("resident bytes, before %d", before).isLessThan(before + 64L * 1024 * 1024);
    }

    private static long maxResident(JsonNode status) {
        long max = 0;
        for (JsonNode handler : status.path("handlers")) {
            max = Math.max(max, handler.path("rss_bytes").asLong());
        }
        return max;
    }

    /** The status the server answers {@code stream} with, skipping other frames. */
    private static String statusOf(RawHttp2 h2, int stream) throws IOException {
        while (true) {
            RawHttp2.Frame frame = h2.read(CLOSED);
            assertThat(frame).as("the answer to stream " + stream).isNotNull();
            if (frame.type() == RawHttp2.HEADERS && frame.stream() == stream) {
                return frame.status();
            }
            if (frame.type() == RawHttp2.SETTINGS && (frame.flags() & RawHttp2.ACK) == 0) {
                h2.frame(RawHttp2.SETTINGS, RawHttp2.ACK, 0, new byte[0]);
                h2.flush();
            }
        }
    }

    /** A server of its own: the reload must not disturb the others' server. */
    @Test
    void aReloadSaysGoAwayAndTheOpenStreamFinishes() throws Exception {
        try (HerdProcess own = HerdProcess.serve("h2c-reload", "--handlers", "1", "--warmup", "off", "--h2c", "on");
             RawHttp2 h2 = new RawHttp2(own.awaitReady(1).address())) {
            h2.get(1, "/sleep?ms=1500");
            CompletableFuture<HerdProcess.CliResult> reload = CompletableFuture.supplyAsync(() -> own.cli("reload"));
            List<RawHttp2.Frame> frames = new ArrayList<>();
            for (RawHttp2.Frame f = h2.read(Duration.ofSeconds(60)); f != null; f = h2.read(Duration.ofSeconds(60))) {
                frames.add(f);
            }
            assertThat(reload.get().status()).as(reload.get().err()).isZero();
            int goAway = indexOf(frames, RawHttp2.GOAWAY, 0);
            int answer = indexOf(frames, RawHttp2.HEADERS, 1);
            assertThat(goAway).as("GOAWAY").isNotNegative();
            assertThat(frames.get(goAway).errorCode()).isZero();
            assertThat(answer).as("the answer").isNotNegative();
            assertThat(frames.get(answer).status()).isEqualTo("200");
            assertThat(frames.stream().anyMatch(f -> f.stream() == 1 && (f.flags() & RawHttp2.END_STREAM) != 0))
                    .as("stream 1 ended").isTrue();
            assertThat(own.unexpectedProblems()).isEmpty();
        }
    }

    private static int indexOf(List<RawHttp2.Frame> frames, int type, int stream) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).type() == type && (type == RawHttp2.GOAWAY || frames.get(i).stream() == stream)) {
                return i;
            }
        }
        return -1;
    }
}
