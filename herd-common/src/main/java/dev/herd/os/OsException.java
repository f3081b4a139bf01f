package dev.herd.os;

/** A failed system call, with the errno it set and the text libc gives for it. */
public final class OsException extends RuntimeException {
    private final String call;
    private final int errno;

    public OsException(String call, int errno) {
        super(call + ": " + Posix.strerror(errno) + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The reason alone, for one-line messages: "Address already in use". */
    public String reason() {
        return Posix.strerror(errno);
    }
}
