package dev.herd.spawner;

import dev.herd.os.Posix;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * libherd-socket for foreign handlers ({@code --jar}): copied once from herd-foreign's jar on the
 * spawner's class path into anonymous memory, which handlers preload by the spawner's descriptor
 * for it ({@code /proc/PID/fd/N}). No file on disk, so nothing another user could replace, and
 * nothing left behind; handlers never outlive the spawner.
 */
final class SocketLibraryFile {
    /** Where herd-foreign's build puts the library it compiles. */
    static final String RESOURCE = "dev/herd/foreign/libherd-socket.so";

    private static Path path;

    private SocketLibraryFile() {
    }

    /**
     * @throws IllegalStateException when herd's class path lacks the library
     */
    static synchronized Path path() {
        if (path == null) {
            byte[] library;
            try (InputStream in = SocketLibraryFile.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("herd's class path has no " + RESOURCE + ", which --jar handlers "
                            + "load: build herd whole (./herd build; herd-foreign compiles it with the C compiler)");
                }
                library = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
            int fd = Posix.memfd("libherd-socket.so", library.length);
            try (FileChannel memory = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(library);
                while (bytes.hasRemaining()) {
                    memory.write(bytes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write libherd-socket into memory", e);
            }
            path = Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd);
        }
        return path;
    }
}
