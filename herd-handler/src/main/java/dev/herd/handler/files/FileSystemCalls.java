package dev.herd.handler.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The system calls that static files make on the event loop, in one seam: the JDK's in production,
 * a counting wrapper in the tests that check a cache hit makes none.
 */
interface FileSystemCalls {

    /** {@code realpath}: the path with every symbolic link and {@code .}/{@code ..} resolved. */
    Path realPath(Path path) throws IOException;

    /** {@code stat}, following links. */
    BasicFileAttributes attributes(Path path) throws IOException;

    /** {@code open} for reading, of a real path. */
    FileChannel open(Path realPath) throws IOException;

    FileSystemCalls JDK = new FileSystemCalls() {
        @Override
        public Path realPath(Path path) throws IOException {
            return path.toRealPath();
        }

        @Override
        public BasicFileAttributes attributes(Path path) throws IOException {
            return Files.readAttributes(path, BasicFileAttributes.class);
        }

        @Override
        public FileChannel open(Path realPath) throws IOException {
            // A real path has no links left; NOFOLLOW_LINKS refuses one swapped in since.
            return FileChannel.open(realPath, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
    };
}
