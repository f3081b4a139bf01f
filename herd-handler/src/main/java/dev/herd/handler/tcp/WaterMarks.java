package dev.herd.handler.tcp;

/**
 * The two marks of a byte queue between the event loop and a connection's virtual thread: past
 * {@code high} the producer stops, and it resumes once the consumer brought the queue down to
 * {@code low}. The gap between them keeps a steady stream from toggling at every chunk.
 */
record WaterMarks(int high, int low) {
    WaterMarks {
        if (low < 0 || low > high) {
            throw new IllegalArgumentException("need 0 <= low <= high, got low " + low + ", high " + high);
        }
    }
}
