/*
 * libherd-socket: loaded with LD_PRELOAD into a foreign handler (an existing server's own JVM run by
 * `herd serve --jar`), which received herd's listening socket as its standard input.
 *
 * It watches, and, asked to, adopts:
 *  - watching: it counts the accepts the server makes on herd's socket (won, found empty, failed),
 *    and sees the moment the server starts to accept there (an accept call, or the socket put in an
 *    epoll set for reading): that is the handler's readiness, which herd-foreign reads through
 *    the exported `herd_socket` counters.
 *  - adopting (HERD_SOCKET_ADOPT=1), for servers that insist on binding their own socket: a bind()
 *    of a TCP socket to herd's port makes that descriptor herd's socket instead (dup3 onto it), and
 *    listen() on it does nothing, since it already listens.
 *
 * The pitfalls this guards against:
 *  - The port decides, with any address and either family: the JDK makes IPv6 dual-stack sockets,
 *    and servers ask for 0.0.0.0, :: or a host name's address.
 *  - File status flags belong to the socket, shared by every process: the adopting descriptor gets
 *    the O_NONBLOCK the server chose for its own socket, which it expects to find.
 *  - shutdown() of a listening socket stops it for every process that shares it: on herd's socket it
 *    does nothing (closing the descriptor is how the server stops accepting).
 *  - When the server closes the inherited channel (Tomcat, Jetty, Micronaut take standard input),
 *    the JDK points descriptors 0, 1 and 2 at /dev/null: every line the server wrote after that
 *    would be lost. dup2 of /dev/null onto 1 or 2 does nothing, so they stay where herd's log is.
 *  - The server may close descriptors it does not know (close, close_range): a private copy of herd's
 *    socket, kept on a high descriptor, survives them, so that a later bind can still adopt it.
 *  - Stopping: herd_socket_stop(), called by herd-foreign when SIGTERM arrives and before the server
 *    hears of it, takes herd's socket out of every epoll set the server put it in, and makes
 *    non-blocking accepts on it find nothing. The server drains what it holds and accepts no more, so
 *    no connection in the shared queue reaches a process that is stopping (which might answer 503,
 *    or close it unanswered).
 *  - A server listening on another port than herd's before it uses herd's socket would serve nobody
 *    herd sends it: that listen() fails with EADDRINUSE and a line on stderr says why; herd-foreign
 *    ends the handler as a boot failure.
 *
 * Environment: HERD_SOCKET_FD (herd's socket in this process, 0 when unset), HERD_SOCKET_ADOPT.
 * Both and LD_PRELOAD are removed from the environment at load, so that the server's own child
 * processes run without this library.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <fcntl.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/*
 * What herd-foreign reads, one 8-byte field after another (dev.herd.foreign.SocketCounters mirrors
 * this order). Written with relaxed atomics: each field is a count or a flag read on its own.
 */
struct herd_socket_counters {
    _Atomic long version;       /* 1: the layout below */
    _Atomic long port;          /* herd's port, or 0 when there is no herd socket to watch */
    _Atomic long adopted;       /* binds answered with herd's socket */
    _Atomic long accepting;     /* 1 once the server accepts on herd's socket */
    _Atomic long accepts_won;   /* accepts that returned a connection */
    _Atomic long accepts_lost;  /* accepts that found the queue empty (a sibling took it) */
    _Atomic long accept_errors; /* accepts that failed otherwise */
    _Atomic long refused_port;  /* the other port the server tried to listen on, or 0 */
};

EXPORT struct herd_socket_counters herd_socket = {.version = 1};

/* Descriptors below this are tracked in `tracked`; the rare ones above are compared by inode. */
#define TRACKED 65536
/* Where the private copy of herd's socket goes: above what servers usually open. */
#define KEEP_FD_FLOOR 1000

/* What `tracked` says of a descriptor. */
enum { UNKNOWN = 0, SHARED = 1, EPHEMERAL = 2 /* bound to port 0 by the server: the kernel picks its port */ };
static _Atomic unsigned char tracked[TRACKED];
/* The epoll sets herd's socket was put in, to take it out when the handler stops. */
#define WATCHES 64
static struct { int epoll; int fd; } watches[WATCHES];
static int watch_count;
static pthread_mutex_t watches_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int stopped;

/*
 * Threads in a blocking accept on herd's socket (Tomcat's and Jetty's acceptors): when the handler
 * stops, each is woken with WAKE_SIGNAL, whose handler does nothing and does not restart the call,
 * so its accept returns EINTR; asked again, accept parks it until the server closes the socket
 * (the JDK wakes it then with a signal of its own).
 */
#define ACCEPTORS 64
static pthread_t acceptors[ACCEPTORS];
static int acceptor_used[ACCEPTORS];
static pthread_mutex_t acceptors_lock = PTHREAD_MUTEX_INITIALIZER;
static int wake_signal;

static void woken(int signal) {
    (void) signal;
}

static int enter_accept(void) {
    pthread_mutex_lock(&acceptors_lock);
    int slot = -1;
    for (int i = 0; i < ACCEPTORS && slot < 0; i++) {
        if (!acceptor_used[i]) {
            acceptor_used[i] = 1;
            acceptors[i] = pthread_self();
            slot = i;
        }
    }
    pthread_mutex_unlock(&acceptors_lock);
    return slot;
}

static void leave_accept(int slot) {
    if (slot >= 0) {
        pthread_mutex_lock(&acceptors_lock);
        acceptor_used[slot] = 0;
        pthread_mutex_unlock(&acceptors_lock);
    }
}

static int keep_fd = -1;
static dev_t shared_dev;
static ino_t shared_ino;
static int adopt;

static int (*real_bind)(int, const struct sockaddr *, socklen_t);
static int (*real_listen)(int, int);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
static int (*real_shutdown)(int, int);
static int (*real_close)(int);
static int (*real_close_range)(unsigned int, unsigned int, int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_epoll_ctl)(int, int, int, struct epoll_event *);

static void *next(const char *name) {
    void *f = dlsym(RTLD_NEXT, name);
    if (f == NULL) {
        fprintf(stderr, "herd: libherd-socket: no %s in the C library: %s\n", name, dlerror());
        _exit(70);
    }
    return f;
}

static int port_of(const struct sockaddr *address, socklen_t length) {
    if (address == NULL) {
        return -1;
    }
    if (address->sa_family == AF_INET && length >= (socklen_t) sizeof(struct sockaddr_in)) {
        return ntohs(((const struct sockaddr_in *) address)->sin_port);
    }
    if (address->sa_family == AF_INET6 && length >= (socklen_t) sizeof(struct sockaddr_in6)) {
        return ntohs(((const struct sockaddr_in6 *) address)->sin6_port);
    }
    return -1;
}

static int is_stream(int fd) {
    int type = 0;
    socklen_t length = sizeof type;
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 && type == SOCK_STREAM;
}

/* Whether fd is herd's socket, by inode: authoritative, for the calls that change something. */
static int is_shared(int fd) {
    struct stat st;
    return keep_fd >= 0 && fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)
            && st.st_dev == shared_dev && st.st_ino == shared_ino;
}

/* Whether fd is known to be herd's socket: cheap, for the calls that only count. */
static int is_tracked(int fd) {
    if (keep_fd < 0 || fd < 0) {
        return 0;
    }
    return fd < TRACKED ? atomic_load_explicit(&tracked[fd], memory_order_relaxed) == SHARED : is_shared(fd);
}

static int tracked_as(int fd) {
    return fd >= 0 && fd < TRACKED ? atomic_load_explicit(&tracked[fd], memory_order_relaxed) : UNKNOWN;
}

static void track(int fd, int what) {
    if (fd >= 0 && fd < TRACKED) {
        atomic_store_explicit(&tracked[fd], (unsigned char) what, memory_order_relaxed);
    }
}

static void count(_Atomic long *counter) {
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

static void accepting(void) {
    atomic_store_explicit(&herd_socket.accepting, 1, memory_order_relaxed);
}

__attribute__((constructor)) static void load(void) {
    real_bind = next("bind");
    real_listen = next("listen");
    real_accept = next("accept");
    real_accept4 = next("accept4");
    real_shutdown = next("shutdown");
    real_close = next("close");
    real_close_range = next("close_range");
    real_dup = next("dup");
    real_dup2 = next("dup2");
    real_dup3 = next("dup3");
    real_epoll_ctl = next("epoll_ctl");

    // A real-time signal of the library's own; the JDK and HotSpot use others.
    struct sigaction wake = {.sa_handler = woken};
    sigemptyset(&wake.sa_mask);
    if (sigaction(SIGRTMAX - 4, &wake, NULL) == 0) {
        wake_signal = SIGRTMAX - 4;
    }

    const char *fd_text = getenv("HERD_SOCKET_FD");
    const char *adopt_text = getenv("HERD_SOCKET_ADOPT");
    int fd = fd_text == NULL ? 0 : atoi(fd_text);
    adopt = adopt_text != NULL && strcmp(adopt_text, "1") == 0;
    unsetenv("HERD_SOCKET_FD");
    unsetenv("HERD_SOCKET_ADOPT");
    unsetenv("LD_PRELOAD");

    int listening = 0;
    socklen_t length = sizeof listening;
    struct sockaddr_storage address;
    socklen_t address_length = sizeof address;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)
            || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || !listening
            || getsockname(fd, (struct sockaddr *) &address, &address_length) != 0) {
        fprintf(stderr, "herd: libherd-socket: descriptor %d is not a listening socket: nothing to watch\n", fd);
        return;
    }
    int port = port_of((struct sockaddr *) &address, address_length);
    keep_fd = fcntl(fd, F_DUPFD_CLOEXEC, KEEP_FD_FLOOR);
    if (port <= 0 || keep_fd < 0) {
        keep_fd = -1;
        fprintf(stderr, "herd: libherd-socket: descriptor %d is not a TCP socket herd can share: nothing to watch\n", fd);
        return;
    }
    shared_dev = st.st_dev;
    shared_ino = st.st_ino;
    track(fd, SHARED);
    atomic_store(&herd_socket.port, port);
}

EXPORT int bind(int fd, const struct sockaddr *address, socklen_t length) {
    long port = atomic_load_explicit(&herd_socket.port, memory_order_relaxed);
    int asked = port_of(address, length);
    if (asked == 0) {
        int status = real_bind(fd, address, length);
        track(fd, status == 0 ? EPHEMERAL : UNKNOWN);
        return status;
    }
    if (!adopt || keep_fd < 0 || asked != port || !is_stream(fd)) {
        return real_bind(fd, address, length);
    }
    int status = fcntl(fd, F_GETFL);
    int descriptor = fcntl(fd, F_GETFD);
    if (status < 0 || descriptor < 0) {
        return -1;
    }
    // dup3 closes the server's unbound socket and puts herd's in its place, in one step: no other
    // thread can get that number in between.
    if (real_dup3(keep_fd, fd, (descriptor & FD_CLOEXEC) ? O_CLOEXEC : 0) < 0) {
        return -1;
    }
    int shared = fcntl(fd, F_GETFL);
    if (shared >= 0 && (shared & O_NONBLOCK) != (status & O_NONBLOCK)) {
        fcntl(fd, F_SETFL, (shared & ~O_NONBLOCK) | (status & O_NONBLOCK));
    }
    track(fd, SHARED);
    count(&herd_socket.adopted);
    return 0;
}

EXPORT int listen(int fd, int backlog) {
    if (is_shared(fd)) {
        return 0; // herd's socket listens already, with herd's backlog
    }
    if (keep_fd >= 0 && tracked_as(fd) != EPHEMERAL && is_stream(fd) && atomic_load(&herd_socket.adopted) == 0
            && !atomic_load(&herd_socket.accepting)) {
        struct sockaddr_storage address;
        socklen_t length = sizeof address;
        if (getsockname(fd, (struct sockaddr *) &address, &length) == 0) {
            int port = port_of((struct sockaddr *) &address, length);
            if (port > 0 && port != atomic_load(&herd_socket.port)) {
                atomic_store(&herd_socket.refused_port, port);
                fprintf(stderr, "herd: the server listens on port %d, not on herd's port %ld: nobody would reach it"
                        " (give it herd's port: see docs/applications.md#existing-servers)\n",
                        port, atomic_load(&herd_socket.port));
                errno = EADDRINUSE;
                return -1;
            }
        }
    }
    return real_listen(fd, backlog);
}

static int accepted(int result) {
    if (result >= 0) {
        count(&herd_socket.accepts_won);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        count(&herd_socket.accepts_lost);
    } else if (errno != EINTR) {
        count(&herd_socket.accept_errors);
    }
    return result;
}

/*
 * After the stop, an accept on herd's socket takes nothing: a non-blocking one finds the queue
 * empty, a blocking one waits for a signal (the server closing the socket) and says EINTR.
 */
static int refuse_after_stop(int fd) {
    if (!atomic_load_explicit(&stopped, memory_order_relaxed)) {
        return 0;
    }
    int status = fcntl(fd, F_GETFL);
    if (status >= 0 && (status & O_NONBLOCK)) {
        errno = EAGAIN;
        return 1;
    }
    poll(NULL, 0, -1);
    errno = EINTR;
    return 1;
}

static int blocking(int fd) {
    int status = fcntl(fd, F_GETFL);
    return status >= 0 && !(status & O_NONBLOCK);
}

/* accept or accept4 (flags >= 0) on herd's socket: counted, and after the stop refused. */
static int accept_shared(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    // Registered before the stop is checked: a stop that comes after the check finds this thread.
    int slot = blocking(fd) ? enter_accept() : -1;
    int result;
    if (refuse_after_stop(fd)) {
        result = -1;
    } else {
        accepting();
        result = flags < 0 ? real_accept(fd, address, length) : real_accept4(fd, address, length, flags);
        int error = errno;
        accepted(result);
        errno = error;
    }
    int error = errno;
    leave_accept(slot);
    errno = error;
    return result;
}

EXPORT int accept(int fd, struct sockaddr *address, socklen_t *length) {
    return is_tracked(fd) ? accept_shared(fd, address, length, -1) : real_accept(fd, address, length);
}

EXPORT int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    return is_tracked(fd) ? accept_shared(fd, address, length, flags) : real_accept4(fd, address, length, flags);
}

EXPORT int epoll_ctl(int epoll, int op, int fd, struct epoll_event *event) {
    if (!is_tracked(fd)) {
        return real_epoll_ctl(epoll, op, fd, event);
    }
    pthread_mutex_lock(&watches_lock);
    if (atomic_load(&stopped)) {
        // herd took the socket out already: the server's own changes have nothing left to change.
        pthread_mutex_unlock(&watches_lock);
        return 0;
    }
    int status = real_epoll_ctl(epoll, op, fd, event);
    if (status == 0 && op == EPOLL_CTL_ADD && watch_count < WATCHES) {
        watches[watch_count].epoll = epoll;
        watches[watch_count].fd = fd;
        watch_count++;
    } else if (status == 0 && op == EPOLL_CTL_DEL) {
        for (int i = 0; i < watch_count; i++) {
            if (watches[i].epoll == epoll && watches[i].fd == fd) {
                watches[i] = watches[--watch_count];
                break;
            }
        }
    }
    pthread_mutex_unlock(&watches_lock);
    if (status == 0 && op != EPOLL_CTL_DEL && event != NULL && (event->events & EPOLLIN)) {
        accepting();
    }
    return status;
}

/*
 * The handler stops: the server accepts nothing more on herd's socket, from now on. Returns once
 * no thread is inside a blocking accept there, or after about a second.
 */
EXPORT void herd_socket_stop(void) {
    pthread_mutex_lock(&watches_lock);
    atomic_store(&stopped, 1);
    for (int i = 0; i < watch_count; i++) {
        real_epoll_ctl(watches[i].epoll, EPOLL_CTL_DEL, watches[i].fd, NULL);
    }
    watch_count = 0;
    pthread_mutex_unlock(&watches_lock);
    // A signal may reach a thread just before it enters accept, and be lost: repeat until none is left.
    for (int round = 0; round < 100 && wake_signal > 0; round++) {
        int left = 0;
        pthread_mutex_lock(&acceptors_lock);
        for (int i = 0; i < ACCEPTORS; i++) {
            if (acceptor_used[i]) {
                pthread_kill(acceptors[i], wake_signal);
                left++;
            }
        }
        pthread_mutex_unlock(&acceptors_lock);
        if (left == 0) {
            break;
        }
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

EXPORT int shutdown(int fd, int how) {
    if (is_shared(fd)) {
        return 0; // it would stop herd's socket for every process
    }
    return real_shutdown(fd, how);
}

EXPORT int close(int fd) {
    if (keep_fd >= 0 && fd == keep_fd) {
        return 0;
    }
    track(fd, UNKNOWN);
    return real_close(fd);
}

EXPORT int close_range(unsigned int first, unsigned int last, int flags) {
    for (unsigned int fd = first; fd <= last && fd < TRACKED; fd++) {
        track((int) fd, UNKNOWN);
    }
    unsigned int keep = (unsigned int) keep_fd;
    if (keep_fd < 0 || keep < first || keep > last) {
        return real_close_range(first, last, flags);
    }
    int status = 0;
    if (keep > first) {
        status = real_close_range(first, keep - 1, flags);
    }
    if (status == 0 && keep < last) {
        status = real_close_range(keep + 1, last, flags);
    }
    return status;
}

EXPORT int dup(int fd) {
    int copy = real_dup(fd);
    track(copy, tracked_as(fd));
    return copy;
}

/* Whether fd is /dev/null (character device 1, 3). */
static int is_dev_null(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
}

EXPORT int dup2(int fd, int target) {
    if (keep_fd >= 0 && target == keep_fd) {
        errno = EBUSY;
        return -1;
    }
    if ((target == STDOUT_FILENO || target == STDERR_FILENO) && is_dev_null(fd)) {
        return target; // the JDK, closing the inherited channel: the server's last lines still reach herd's log
    }
    int what = tracked_as(fd);
    int copy = real_dup2(fd, target);
    track(copy, what);
    return copy;
}

EXPORT int dup3(int fd, int target, int flags) {
    if (keep_fd >= 0 && target == keep_fd) {
        errno = EBUSY;
        return -1;
    }
    int what = tracked_as(fd);
    int copy = real_dup3(fd, target, flags);
    track(copy, what);
    return copy;
}
