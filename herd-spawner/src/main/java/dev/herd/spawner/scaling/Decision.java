package dev.herd.spawner.scaling;

/** A policy's answer for one tick: the target handler count, and why. */
public record Decision(int target, String reason) {
}
