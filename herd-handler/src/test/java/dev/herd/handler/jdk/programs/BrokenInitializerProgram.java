package dev.herd.handler.jdk.programs;

/** Its class cannot be initialised. */
public final class BrokenInitializerProgram {
    private static final int PORT = Integer.parseInt("eighty");

    private BrokenInitializerProgram() {
    }

    public static void main(String[] args) {
        System.out.println(PORT);
    }
}
