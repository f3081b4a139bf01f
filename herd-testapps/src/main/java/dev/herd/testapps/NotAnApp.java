package dev.herd.testapps;

/** A class that is no application: herd must refuse it at boot, naming it. */
public final class NotAnApp {
}
