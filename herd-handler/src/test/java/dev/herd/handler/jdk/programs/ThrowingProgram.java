package dev.herd.handler.jdk.programs;

/** Fails before it serves anything. */
public final class ThrowingProgram {
    private ThrowingProgram() {
    }

    public static void main(String[] args) {
        throw new IllegalStateException("no configuration found");
    }
}
