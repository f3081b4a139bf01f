package dev.herd.handler.accept;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptFailureTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Too many open files              | OUT_OF_RESOURCES",
            "Too many open files in system    | OUT_OF_RESOURCES",
            "No buffer space available        | OUT_OF_RESOURCES",
            "Cannot allocate memory           | OUT_OF_RESOURCES",
            "Software caused connection abort | CONNECTION_ABORTED",
            "Protocol error                   | CONNECTION_ABORTED",
            "Connection reset by peer         | OTHER",
            "Invalid argument                 | OTHER",
            "''                               | OTHER",
    })
    void classifiesByTheStrerrorText(String message, AcceptFailure expected) {
        assertThat(AcceptFailure.classify(new IOException(message))).isEqualTo(expected);
    }

    @Test
    void theJdksPrefixedMessagesAreClassifiedToo() {
        assertThat(AcceptFailure.classify(new IOException("accept failed: Too many open files")))
                .isEqualTo(AcceptFailure.OUT_OF_RESOURCES);
    }

    @Test
    void aMissingMessageIsOther() {
        assertThat(AcceptFailure.classify(new IOException())).isEqualTo(AcceptFailure.OTHER);
        assertThat(AcceptFailure.classify(new IOException((String) null))).isEqualTo(AcceptFailure.OTHER);
    }
}
