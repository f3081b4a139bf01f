package dev.herd.handler.files;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading request targets into names, and writing names back into URL segments. */
class TargetPathTest {

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("/", List.of(), true, null),
                Arguments.of("/a/b.txt", List.of("a", "b.txt"), false, null),
                Arguments.of("/a/b/", List.of("a", "b"), true, null),
                Arguments.of("/a/b?x=1&y=%2F", List.of("a", "b"), false, "x=1&y=%2F"),
                Arguments.of("/a?", List.of("a"), false, ""),
                Arguments.of("/a#frag?x", List.of("a"), false, null),
                Arguments.of("//a//b", List.of("a", "b"), false, null),
                Arguments.of("/./a/.", List.of("a"), false, null),
                Arguments.of("/a%2Fb", List.of("a", "b"), false, null),
                Arguments.of("/a%2f", List.of("a"), true, null),
                Arguments.of("/%2541", List.of("%41"), false, null),
                Arguments.of("/a+b", List.of("a+b"), false, null),
                Arguments.of("/%C3%A9", List.of("é"), false, null),
                Arguments.of("/\u00c3\u00a9", List.of("é"), false, null), // raw UTF-8, one char per byte
                Arguments.of("/..a/a..", List.of("..a", "a.."), false, null),
                Arguments.of("http://h:8080/a?q", List.of("a"), false, "q"),
                Arguments.of("HTTPS://h", List.of(), true, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void names(String uri, List<String> names, boolean trailingSlash, String query) {
        assertThat(TargetPath.parse(uri)).isEqualTo(new TargetPath.Names(names, trailingSlash, query));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "/..,                404",
        "/a/../b,            404",
        "/a/%2e%2E/b,        404",
        "/a%5cb,             404",
        "/a\\b,              404",
        "/a%00,              400",
        "/a%,                400",
        "/a%4,               400",
        "/a%g1,              400",
        "/a%ef%bc%91%ef%bc%91, 200", // fullwidth digits decode, as names, not as hex
        "/%c0%af,            400",
        "/%ed%a0%80,         400",
        "/\u0100,            400",
        "*,                  400",
        "a/b,                400",
        "1http://h/a,        400",
        "h t://h/a,          400"})
    void refused(String uri, int status) {
        TargetPath path = TargetPath.parse(uri);
        if (status == 200) {
            assertThat(path).isInstanceOf(TargetPath.Names.class);
        } else {
            assertThat(path).isInstanceOfSatisfying(TargetPath.Refused.class,
                    refused -> assertThat(refused.status().code()).isEqualTo(status));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "plain-name_1.2~x | plain-name_1.2~x",
        "a b              | a%20b",
        "a:b              | a%3Ab",
        "x?y#z            | x%3Fy%23z",
        "100%             | 100%25",
        "é                | %C3%A9",
        "<a href='x'>     | %3Ca%20href%3D%27x%27%3E"})
    void encode(String name, String segment) {
        assertThat(TargetPath.encode(name)).isEqualTo(segment);
        assertThat(TargetPath.parse("/" + segment)).isEqualTo(new TargetPath.Names(List.of(name), false, null));
    }
}
