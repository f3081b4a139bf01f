package dev.herd.api;

import java.util.List;

/**
 * Who is running the application: one handler process of the pool.
 *
 * @param pid        the handler's process id
 * @param slot       its scoreboard slot (0, 1, ...), stable across the handler's replacement
 * @param generation its generation, which grows with every reload
 * @param args       program arguments given after {@code --} on herd's command line
 */
public record HandlerContext(long pid, int slot, int generation, List<String> args) {
    /** The arguments are copied: the record stays immutable. */
    public HandlerContext {
        args = List.copyOf(args);
    }
}
