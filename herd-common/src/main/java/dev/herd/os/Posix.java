package dev.herd.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the JDK lacks, through the Foreign Function and Memory API. This class and
 * its siblings in {@code dev.herd.os} are the only code in herd that touches FFM.
 *
 * <p>Every call captures {@code errno} in the same native call (reading it afterwards would race
 * with the JVM's own libc use) and throws {@link OsException} on failure. Constants are Linux
 * x86_64/aarch64 values: herd runs on Linux only.
 */
public final class Posix {
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int SO_RCVTIMEO = 20;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_TYPE = 3;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_ACCEPTCONN = 30;
    public static final int SO_DOMAIN = 39;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_INFO = 11;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int O_NONBLOCK = 0x800;
    public static final int PR_SET_PDEATHSIG = 1;
    public static final int PR_SET_DUMPABLE = 4;
    public static final int MFD_CLOEXEC = 1;

    public static final int EINTR = 4;
    public static final int ESRCH = 3;
    public static final int EAGAIN = 11;
    public static final int EBADF = 9;
    public static final int ENOTSOCK = 88;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /*
     * The downcall handles, in holder classes by use: making one costs tens of milliseconds while
     * the JVM is cold (it generates code), and a handler, whose start-up is on the clock, needs
     * only a few of them. A holder is initialised by the first call that needs it.
     */

    /** Creating, binding and inspecting sockets (the spawner). */
    private static final class Sockets {
        static final MethodHandle SOCKET = function("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        static final MethodHandle SETSOCKOPT =
                function("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        static final MethodHandle GETSOCKOPT =
                function("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        static final MethodHandle BIND = function("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        static final MethodHandle LISTEN = function("listen", JAVA_INT, JAVA_INT, JAVA_INT);
        static final MethodHandle GETSOCKNAME = function("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    }

    /** Datagrams on Unix sockets (sd_notify). */
    private static final class Datagrams {
        static final MethodHandle SENDTO =
                function("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
        static final MethodHandle RECV = function("recv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    }

    /** CPU affinity ({@code --cpu-affinity}). */
    private static final class Cpus {
        static final MethodHandle SCHED_GETAFFINITY = function("sched_getaffinity", JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
        static final MethodHandle SCHED_SETAFFINITY = function("sched_setaffinity", JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
        /** A {@code cpu_set_t}: 1024 CPUs, as glibc's. */
        static final long SET_BYTES = 128;
    }

    /** Descriptors. */
    private static final class Descriptors {
        static final MethodHandle CLOSE = function("close", JAVA_INT, JAVA_INT);
        static final MethodHandle DUP = function("dup", JAVA_INT, JAVA_INT);
        static final MethodHandle DUP2 = function("dup2", JAVA_INT, JAVA_INT, JAVA_INT);
        static final MethodHandle FCNTL = variadic("fcntl", 2, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    }

    /** Processes: all a handler needs at start-up. */
    private static final class Processes {
        static final MethodHandle PRCTL = variadic("prctl", 1, JAVA_INT, JAVA_INT, JAVA_LONG);
        static final MethodHandle GETPPID = function("getppid", JAVA_INT);
        static final MethodHandle KILL = function("kill", JAVA_INT, JAVA_INT, JAVA_INT);
    }

    /** Users, groups and credentials ({@code --user}, {@code --group}). */
    private static final class Credentials {
        static final MethodHandle GETPWNAM = function("getpwnam", ADDRESS, ADDRESS);
        static final MethodHandle GETGRNAM = function("getgrnam", ADDRESS, ADDRESS);
        static final MethodHandle GETEUID = function("geteuid", JAVA_INT);
        static final MethodHandle INITGROUPS = function("initgroups", JAVA_INT, ADDRESS, JAVA_INT);
        static final MethodHandle SETGROUPS = function("setgroups", JAVA_INT, JAVA_LONG, ADDRESS);
        static final MethodHandle SETGID = function("setgid", JAVA_INT, JAVA_INT);
        static final MethodHandle SETUID = function("setuid", JAVA_INT, JAVA_INT);
    }

    /** The scoreboard's memory (the spawner). */
    private static final class Memory {
        static final MethodHandle MEMFD_CREATE = function("memfd_create", JAVA_INT, ADDRESS, JAVA_INT);
        static final MethodHandle FTRUNCATE = function("ftruncate", JAVA_INT, JAVA_INT, JAVA_LONG);
    }

    /** Starting a process with descriptors of its own beyond the standard three (several listening sockets). */
    private static final class Spawning {
        static final MethodHandle POSIX_SPAWN = LINKER.downcallHandle(LIBC.findOrThrow("posix_spawn"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle ACTIONS_INIT = plain("posix_spawn_file_actions_init", JAVA_INT, ADDRESS);
        static final MethodHandle ACTIONS_DESTROY = plain("posix_spawn_file_actions_destroy", JAVA_INT, ADDRESS);
        static final MethodHandle ADD_DUP2 = plain("posix_spawn_file_actions_adddup2", JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT);
        static final MethodHandle ADD_CLOSEFROM = plain("posix_spawn_file_actions_addclosefrom_np", JAVA_INT, ADDRESS,
                JAVA_INT);
        static final MethodHandle ATTR_INIT = plain("posix_spawnattr_init", JAVA_INT, ADDRESS);
        static final MethodHandle ATTR_DESTROY = plain("posix_spawnattr_destroy", JAVA_INT, ADDRESS);
        static final MethodHandle ATTR_SETFLAGS = plain("posix_spawnattr_setflags", JAVA_INT, ADDRESS,
                ValueLayout.JAVA_SHORT);
        static final MethodHandle ATTR_SETSIGMASK = plain("posix_spawnattr_setsigmask", JAVA_INT, ADDRESS, ADDRESS);
        static final MethodHandle ATTR_SETSIGDEFAULT = plain("posix_spawnattr_setsigdefault", JAVA_INT, ADDRESS,
                ADDRESS);
        static final MethodHandle SIGEMPTYSET = plain("sigemptyset", JAVA_INT, ADDRESS);
        static final MethodHandle SIGFILLSET = plain("sigfillset", JAVA_INT, ADDRESS);
        static final MethodHandle WAITPID = function("waitpid", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        /** Room for glibc's {@code posix_spawn_file_actions_t} (80 bytes), {@code posix_spawnattr_t} (336) and {@code sigset_t} (128). */
        static final long OPAQUE = 512;
        static final short SETSIGDEF = 0x04;
        static final short SETSIGMASK = 0x08;
    }

    /** Error texts. */
    private static final class Texts {
        static final MethodHandle STRERROR =
                LINKER.downcallHandle(LIBC.findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private Posix() {
    }

    private static MethodHandle function(String name, ValueLayout result, ValueLayout... args) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), FunctionDescriptor.of(result, args), CAPTURE_ERRNO);
    }

    /** A function that returns its error number instead of setting errno. */
    private static MethodHandle plain(String name, ValueLayout result, ValueLayout... args) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), FunctionDescriptor.of(result, args));
    }

    private static MethodHandle variadic(String name, int fixed, ValueLayout result, ValueLayout... args) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), FunctionDescriptor.of(result, args),
                CAPTURE_ERRNO, Linker.Option.firstVariadicArg(fixed));
    }

    /** The text libc gives for an errno value, e.g. "Address already in use". */
    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) Texts.STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Calls {@code handle} with a fresh errno capture; returns its result or throws on -1. */
    private static int call(String what, Invocation invocation) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int result = invocation.invoke(state, arena);
            if (result == -1) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new OsException(what, errno);
            }
            return result;
        } catch (OsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what + " failed", t);
        }
    }

    @FunctionalInterface
    private interface Invocation {
        int invoke(MemorySegment errnoState, Arena arena) throws Throwable;
    }

    public static int socket(int domain, int type) {
        return call("socket", (s, a) -> (int) Sockets.SOCKET.invokeExact(s, domain, type, 0));
    }

    public static void setIntOption(int fd, int level, int name, int value) {
        call("setsockopt", (s, a) -> (int) Sockets.SETSOCKOPT.invokeExact(s, fd, level, name,
                a.allocateFrom(JAVA_INT, value), (int) JAVA_INT.byteSize()));
    }

    public static int intOption(int fd, int level, int name) {
        int[] out = new int[1];
        call("getsockopt", (s, a) -> {
            MemorySegment value = a.allocate(JAVA_INT);
            MemorySegment length = a.allocateFrom(JAVA_INT, (int) JAVA_INT.byteSize());
            int r = (int) Sockets.GETSOCKOPT.invokeExact(s, fd, level, name, value, length);
            out[0] = value.get(JAVA_INT, 0);
            return r;
        });
        return out[0];
    }

    /** Reads {@code into.byteSize()} bytes of a socket option (e.g. TCP_INFO); returns the length filled. */
    public static int option(int fd, int level, int name, MemorySegment into) {
        int[] out = new int[1];
        call("getsockopt", (s, a) -> {
            MemorySegment length = a.allocateFrom(JAVA_INT, (int) into.byteSize());
            int r = (int) Sockets.GETSOCKOPT.invokeExact(s, fd, level, name, into, length);
            out[0] = length.get(JAVA_INT, 0);
            return r;
        });
        return out[0];
    }

    public static void bind(int fd, MemorySegment sockaddr) {
        call("bind", (s, a) -> (int) Sockets.BIND.invokeExact(s, fd, sockaddr, (int) sockaddr.byteSize()));
    }

    /** Sends {@code data} as one datagram to {@code sockaddr}. */
    public static void sendto(int fd, byte[] data, MemorySegment sockaddr) {
        call("sendto", (s, a) -> (int) (long) Datagrams.SENDTO.invokeExact(s, fd, a.allocateFrom(ValueLayout.JAVA_BYTE, data),
                (long) data.length, MSG_NOSIGNAL, sockaddr, (int) sockaddr.byteSize()));
    }

    /**
     * Receives one datagram into {@code into}; returns its length, or -1 when the socket's receive
     * timeout ({@link #setReceiveTimeout}) passed first.
     */
    public static int recv(int fd, MemorySegment into) {
        try {
            return call("recv", (s, a) -> (int) (long) Datagrams.RECV.invokeExact(s, fd, into, into.byteSize(), 0));
        } catch (OsException e) {
            if (e.errno() == EAGAIN) {
                return -1;
            }
            throw e;
        }
    }

    /** SO_RCVTIMEO: a blocking receive gives up after {@code millis}. */
    public static void setReceiveTimeout(int fd, long millis) {
        call("setsockopt", (s, a) -> {
            MemorySegment timeval = a.allocate(16);
            timeval.set(JAVA_LONG, 0, millis / 1000);
            timeval.set(JAVA_LONG, 8, (millis % 1000) * 1000);
            return (int) Sockets.SETSOCKOPT.invokeExact(s, fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16);
        });
    }

    public static void listen(int fd, int backlog) {
        call("listen", (s, a) -> (int) Sockets.LISTEN.invokeExact(s, fd, backlog));
    }

    /** Fills {@code into} (at least 128 bytes) with the socket's own address; returns its length. */
    public static int getsockname(int fd, MemorySegment into) {
        int[] out = new int[1];
        call("getsockname", (s, a) -> {
            MemorySegment length = a.allocateFrom(JAVA_INT, (int) into.byteSize());
            int r = (int) Sockets.GETSOCKNAME.invokeExact(s, fd, into, length);
            out[0] = length.get(JAVA_INT, 0);
            return r;
        });
        return out[0];
    }

    public static void close(int fd) {
        call("close", (s, a) -> (int) Descriptors.CLOSE.invokeExact(s, fd));
    }

    public static int dup(int fd) {
        return call("dup", (s, a) -> (int) Descriptors.DUP.invokeExact(s, fd));
    }

    public static void dup2(int from, int to) {
        call("dup2", (s, a) -> (int) Descriptors.DUP2.invokeExact(s, from, to));
    }

    public static void setNonBlocking(int fd) {
        int flags = call("fcntl(F_GETFL)", (s, a) -> (int) Descriptors.FCNTL.invokeExact(s, fd, F_GETFL, 0));
        if ((flags & O_NONBLOCK) == 0) {
            call("fcntl(F_SETFL)",
                    (s, a) -> (int) Descriptors.FCNTL.invokeExact(s, fd, F_SETFL, flags | O_NONBLOCK));
        }
    }

    /** Asks the kernel to send {@code signal} to this process when the thread that spawned it exits. */
    public static void setParentDeathSignal(int signal) {
        call("prctl(PR_SET_PDEATHSIG)",
                (s, a) -> (int) Processes.PRCTL.invokeExact(s, PR_SET_PDEATHSIG, (long) signal));
    }

    /** A user as the system's user database (NSS) knows it. */
    public record User(String name, int uid, int gid) {
    }

    /** The user called {@code name}, or empty; {@code struct passwd}: two pointers, then uid and gid. */
    public static java.util.Optional<User> user(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            MemorySegment pw = (MemorySegment) Credentials.GETPWNAM.invokeExact(errno, arena.allocateFrom(name));
            if (pw.equals(MemorySegment.NULL)) {
                return java.util.Optional.empty();
            }
            MemorySegment entry = pw.reinterpret(24);
            return java.util.Optional.of(new User(name, entry.get(JAVA_INT, 16), entry.get(JAVA_INT, 20)));
        } catch (Throwable t) {
            throw new IllegalStateException("getpwnam failed", t);
        }
    }

    /** The gid of the group called {@code name}, or empty; {@code struct group}: two pointers, then the gid. */
    public static java.util.OptionalInt group(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            MemorySegment gr = (MemorySegment) Credentials.GETGRNAM.invokeExact(errno, arena.allocateFrom(name));
            return gr.equals(MemorySegment.NULL) ? java.util.OptionalInt.empty()
                    : java.util.OptionalInt.of(gr.reinterpret(20).get(JAVA_INT, 16));
        } catch (Throwable t) {
            throw new IllegalStateException("getgrnam failed", t);
        }
    }

    public static int geteuid() {
        return call("geteuid", (s, a) -> (int) Credentials.GETEUID.invokeExact(s));
    }

    /**
     * Becomes {@code uid} with primary group {@code gid} and, when {@code user} is given, that user's
     * supplementary groups (else none), for every thread of the process (glibc applies set*id to
     * all of them); then marks the process dumpable again, which the credential change cleared, so
     * that processes of the new user can open {@code /proc/<pid>/fd} (the handlers' scoreboard).
     */
    public static void dropTo(int uid, int gid, String user) {
        if (user != null) {
            call("initgroups", (s, a) -> (int) Credentials.INITGROUPS.invokeExact(s, a.allocateFrom(user), gid));
        } else {
            call("setgroups", (s, a) -> (int) Credentials.SETGROUPS.invokeExact(s, 1L, a.allocateFrom(JAVA_INT, gid)));
        }
        call("setgid", (s, a) -> (int) Credentials.SETGID.invokeExact(s, gid));
        call("setuid", (s, a) -> (int) Credentials.SETUID.invokeExact(s, uid));
        call("prctl(PR_SET_DUMPABLE)", (s, a) -> (int) Processes.PRCTL.invokeExact(s, PR_SET_DUMPABLE, 1L));
    }

    public static int getppid() {
        return call("getppid", (s, a) -> (int) Processes.GETPPID.invokeExact(s));
    }

    /**
     * Sends {@code signal} to {@code pid}.
     *
     * @return false if no such process exists (it already exited and was reaped)
     */
    public static boolean kill(long pid, int signal) {
        try {
            call("kill", (s, a) -> (int) Processes.KILL.invokeExact(s, (int) pid, signal));
            return true;
        } catch (OsException e) {
            if (e.errno() == ESRCH) {
                return false;
            }
            throw e;
        }
    }

    /** An anonymous shared-memory file of {@code size} bytes; its fd is close-on-exec. */
    /**
     * Starts {@code argv[0]} (an absolute path) with {@code environment}, sharing this process's
     * standard output and error, with {@code descriptors[i]} as its descriptor {@code i} for i = 0
     * and {@code 2 + i} for the others (0, 3, 4, ...), and no other descriptor of this process; its
     * signal mask empty and every signal's action the default. What {@link ProcessBuilder} cannot
     * do: give a child more descriptors than its standard three.
     *
     * @return the child's pid; it is this process's to reap ({@link #waitpid})
     * @throws OsException if it could not be started (the program not found, no memory)
     */
    public static long spawn(java.util.List<String> argv, java.util.List<String> environment, int[] descriptors) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(Spawning.OPAQUE, 16);
            MemorySegment attributes = arena.allocate(Spawning.OPAQUE, 16);
            MemorySegment empty = arena.allocate(Spawning.OPAQUE, 16);
            MemorySegment all = arena.allocate(Spawning.OPAQUE, 16);
            check("posix_spawn_file_actions_init", (int) Spawning.ACTIONS_INIT.invokeExact(actions));
            check("posix_spawnattr_init", (int) Spawning.ATTR_INIT.invokeExact(attributes));
            try {
                // Through numbers above every one involved first, so that no move overwrites a
                // descriptor a later one still needs.
                int above = 3 + descriptors.length;
                for (int fd : descriptors) {
                    above = Math.max(above, fd + 1);
                }
                for (int i = 0; i < descriptors.length; i++) {
                    check("posix_spawn_file_actions_adddup2",
                            (int) Spawning.ADD_DUP2.invokeExact(actions, descriptors[i], above + i));
                }
                for (int i = 0; i < descriptors.length; i++) {
                    check("posix_spawn_file_actions_adddup2",
                            (int) Spawning.ADD_DUP2.invokeExact(actions, above + i, i == 0 ? 0 : 2 + i));
                }
                check("posix_spawn_file_actions_addclosefrom_np",
                        (int) Spawning.ADD_CLOSEFROM.invokeExact(actions, 3 + Math.max(0, descriptors.length - 1)));
                check("sigemptyset", (int) Spawning.SIGEMPTYSET.invokeExact(empty));
                check("sigfillset", (int) Spawning.SIGFILLSET.invokeExact(all));
                check("posix_spawnattr_setsigmask", (int) Spawning.ATTR_SETSIGMASK.invokeExact(attributes, empty));
                check("posix_spawnattr_setsigdefault", (int) Spawning.ATTR_SETSIGDEFAULT.invokeExact(attributes, all));
                check("posix_spawnattr_setflags", (int) Spawning.ATTR_SETFLAGS.invokeExact(attributes,
                        (short) (Spawning.SETSIGDEF | Spawning.SETSIGMASK)));
                MemorySegment pid = arena.allocate(JAVA_INT);
                check("posix_spawn", (int) Spawning.POSIX_SPAWN.invokeExact(pid, arena.allocateFrom(argv.getFirst()),
                        actions, attributes, strings(arena, argv), strings(arena, environment)));
                return pid.get(JAVA_INT, 0);
            } finally {
                int ignored = (int) Spawning.ACTIONS_DESTROY.invokeExact(actions);
                ignored = (int) Spawning.ATTR_DESTROY.invokeExact(attributes);
            }
        } catch (OsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("posix_spawn failed", t);
        }
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, java.util.List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    /** For the functions that return an error number: throws unless it is 0. */
    private static void check(String what, int error) {
        if (error != 0) {
            throw new OsException(what, error);
        }
    }

    /**
     * Waits for the child {@code pid} to end and reaps it.
     *
     * @return its exit status, or 128 plus the signal's number if a signal ended it (as
     *         {@link Process#exitValue()} says)
     */
    public static int waitpid(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            call("waitpid", (s, a) -> (int) Spawning.WAITPID.invokeExact(s, (int) pid, status, 0));
            int raw = status.get(JAVA_INT, 0);
            int signal = raw & 0x7f;
            return signal == 0 ? (raw >> 8) & 0xff : 128 + signal;
        }
    }

    public static int memfd(String name, long size) {
        int fd = call("memfd_create",
                (s, a) -> (int) Memory.MEMFD_CREATE.invokeExact(s, a.allocateFrom(name), MFD_CLOEXEC));
        call("ftruncate", (s, a) -> (int) Memory.FTRUNCATE.invokeExact(s, fd, size));
        return fd;
    }

    /** The CPUs the calling thread may run on (its affinity mask; a new thread inherits its creator's), ascending. */
    public static int[] allowedCpus() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(Cpus.SET_BYTES, 8);
            call("sched_getaffinity", (s, a) -> (int) Cpus.SCHED_GETAFFINITY.invokeExact(s, 0, Cpus.SET_BYTES, set));
            int[] cpus = new int[(int) Cpus.SET_BYTES * 8];
            int n = 0;
            for (int cpu = 0; cpu < cpus.length; cpu++) {
                if ((set.get(JAVA_LONG, (cpu / 64) * 8L) >>> (cpu % 64) & 1) != 0) {
                    cpus[n++] = cpu;
                }
            }
            return java.util.Arrays.copyOf(cpus, n);
        }
    }

    /** Binds the calling thread to one CPU (the rest of the process keeps its own mask). */
    public static void pinThisThread(int cpu) {
        if (cpu < 0 || cpu >= Cpus.SET_BYTES * 8) {
            throw new IllegalArgumentException("no CPU " + cpu + " in a cpu_set_t");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(Cpus.SET_BYTES, 8);
            set.set(JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
            call("sched_setaffinity", (s, a) -> (int) Cpus.SCHED_SETAFFINITY.invokeExact(s, 0, Cpus.SET_BYTES, set));
        }
    }
}
