package dev.herd.handler.jdk.programs;

/** A main method that is not public. */
public final class PackagePrivateMainProgram {
    private PackagePrivateMainProgram() {
    }

    static void main(String[] args) {
    }
}
