package dev.herd.handler.jdk.programs;

/** An instance main method (JEP 512), which herd does not run. */
public final class InstanceMainProgram {
    public void main(String[] args) {
    }
}
