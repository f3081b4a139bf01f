package dev.herd.handler.bridge;

/**
 * The two marks of a byte queue between an event loop and a blocking thread: past {@code high}
 * the producer stops, and it resumes once the consumer brought the queue down to {@code low}. The
 * gap between them keeps a steady stream from toggling at every chunk.
 */
public record WaterMarks(int high, int low) {
    public WaterMarks {
        if (low < 0 || low > high) {
            throw new IllegalArgumentException("need 0 <= low <= high, got low " + low + ", high " + high);
        }
    }
}
