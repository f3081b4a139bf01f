package dev.herd.foreign;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libherd-socket, which the spawner preloads into this JVM ({@code src/main/c/herd_socket.c}): what
 * it counts on herd's socket, and its stop. Looked up by the path it was preloaded from, which
 * finds the copy already loaded. herd's own library, not the OS: its calls live here, beside the
 * handler that makes them, and not in herd-common's {@code Posix}.
 */
final class SocketLibrary {
    /** The exported {@code herd_socket} counters: 8-byte fields, in the order of the C struct. */
    private static final int VERSION = 0, PORT = 1, ADOPTED = 2, ACCEPTING = 3, ACCEPTS_WON = 4, ACCEPTS_LOST = 5,
            ACCEPT_ERRORS = 6, REFUSED_PORT = 7, FIELDS = 8;
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final MemorySegment counters;
    private final MethodHandle stop;

    private SocketLibrary(MemorySegment counters, MethodHandle stop) {
        this.counters = counters;
        this.stop = stop;
    }

    /**
     * @throws IllegalStateException when the library cannot be found there, or is another version
     */
    static SocketLibrary load(Path path) {
        // By name, as given: a Path would be resolved to the memory file's unopenable real name.
        SymbolLookup library = SymbolLookup.libraryLookup(path.toString(), Arena.global());
        MemorySegment counters = library.findOrThrow("herd_socket").reinterpret(FIELDS * Long.BYTES);
        MethodHandle stop = Linker.nativeLinker().downcallHandle(library.findOrThrow("herd_socket_stop"),
                FunctionDescriptor.ofVoid());
        SocketLibrary loaded = new SocketLibrary(counters, stop);
        if (loaded.field(VERSION) != 1) {
            throw new IllegalStateException(path + " is libherd-socket version " + loaded.field(VERSION)
                    + ", and this herd-foreign reads version 1");
        }
        return loaded;
    }

    /** What the library has counted so far. */
    Counts counts() {
        return new Counts(field(PORT), field(ADOPTED) > 0, field(ACCEPTING) != 0, field(ACCEPTS_WON),
                field(ACCEPTS_LOST), field(ACCEPT_ERRORS), (int) field(REFUSED_PORT));
    }

    /** The server accepts nothing more on herd's socket from now on (it drains what it holds). */
    void stop() {
        try {
            stop.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("herd_socket_stop failed", e);
        }
    }

    private long field(int index) {
        return (long) LONG.getAcquire(counters, (long) index * Long.BYTES);
    }

    /**
     * @param port         herd's port, 0 when the library found no herd socket to watch
     * @param adopted      whether a bind of the server's was answered with herd's socket
     * @param accepting    whether the server accepts on herd's socket: the handler is ready
     * @param refusedPort  another port the server tried to listen on before herd's, or 0
     */
    record Counts(long port, boolean adopted, boolean accepting, long acceptsWon, long acceptsLost,
                  long acceptErrors, int refusedPort) {
        static final Counts NONE = new Counts(0, false, false, 0, 0, 0, 0);
    }
}
