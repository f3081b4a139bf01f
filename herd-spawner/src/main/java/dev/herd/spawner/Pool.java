package dev.herd.spawner;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The spawner's handlers, in spawn order. Used on the spawner thread only. */
final class Pool {
    private final List<HandlerHandle> handlers = new ArrayList<>();

    void add(HandlerHandle h) {
        handlers.add(h);
    }

    boolean remove(HandlerHandle h) {
        return handlers.remove(h);
    }

    java.util.Optional<HandlerHandle> byPid(long pid) {
        return handlers.stream().filter(h -> h.pid() == pid).findFirst();
    }

    boolean isEmpty() {
        return handlers.isEmpty();
    }

    int size() {
        return handlers.size();
    }

    /** A copy: callers may change the pool while they iterate. */
    List<HandlerHandle> all() {
        return List.copyOf(handlers);
    }

    List<HandlerHandle> inPhase(HandlerHandle.Phase phase) {
        return handlers.stream().filter(h -> h.phase() == phase).toList();
    }

    int count(Predicate<HandlerHandle> which) {
        return (int) handlers.stream().filter(which).count();
    }
}
