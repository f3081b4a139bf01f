package dev.herd.examples.jdbc;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A SQLite file shared by every handler process, and a small pool of connections to it in this one.
 *
 * <p>Several processes write the same file, so it runs in WAL mode (readers never wait for the
 * writer) with a busy timeout (a writer waits for another process's write instead of failing at
 * once with {@code SQLITE_BUSY}).
 */
final class Database implements AutoCloseable {
    /** Readers run in parallel in WAL mode, writers one at a time anyway: a few connections are plenty. */
    static final int POOL_SIZE = 4;
    static final int BUSY_TIMEOUT_MS = 5_000;

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS notes (
                id      INTEGER PRIMARY KEY AUTOINCREMENT,
                text    TEXT NOT NULL,
                created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            )""";

    /** Some work done with a borrowed connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final SQLiteDataSource source;
    private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(POOL_SIZE);
    private volatile boolean closed;

    private Database(SQLiteDataSource source) {
        this.source = source;
    }

    /**
     * Opens the pool and creates the schema if it is missing. Handlers start at the same time, so
     * this runs in several processes at once on one file: {@code IF NOT EXISTS} makes the creation
     * idempotent, and the busy timeout makes the others wait for whichever creates it.
     */
    /**
     * A new connection. Opening one sets the journal mode, and SQLite answers SQLITE_BUSY at once,
     * without the busy timeout, while another process is switching the same file to WAL: that
     * one is retried, within the busy timeout.
     */
    private static Connection connect(SQLiteDataSource source) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MS);
        for (long pauseMs = 5; ; pauseMs = Math.min(pauseMs * 2, 100)) {
            try {
                return source.getConnection();
            } catch (SQLiteException e) {
                if (e.getResultCode() != SQLiteErrorCode.SQLITE_BUSY || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while the database was busy", e);
            }
        }
    }

    static Database open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // WAL with NORMAL loses no committed data on a process crash, only on a power failure.
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        // A data source rather than DriverManager: DriverManager finds drivers through the thread's
        // context class loader once per JVM, and must not depend on which loader that was.
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());

        Database db = new Database(source);
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                db.idle.add(connect(source));
            }
            db.call(connection -> {
                try (Statement statement = connection.createStatement()) {
                    return statement.executeUpdate(SCHEMA);
                }
            });
        } catch (SQLException | RuntimeException e) {
            try {
                db.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return db;
    }

    /**
     * Runs {@code work} with a connection of the pool, waiting for one if all are busy (cheap on a
     * virtual thread). After {@link #close} it gets a connection of its own: a draining handler
     * still answers the requests it receives.
     */
    <T> T call(Work<T> work) throws SQLException {
        Connection connection = borrow();
        try {
            return work.run(connection);
        } finally {
            release(connection);
        }
    }

    private Connection borrow() throws SQLException {
        try {
            // Polls rather than waits for good: once closed, no connection comes back to wake a waiter.
            while (!closed) {
                Connection connection = idle.poll(100, TimeUnit.MILLISECONDS);
                if (connection != null) {
                    return connection;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a database connection", e);
        }
        return connect(source);
    }

    private void release(Connection connection) throws SQLException {
        if (closed || !idle.offer(connection)) {
            connection.close();
        } else if (closed && idle.remove(connection)) {
            // close() drained the pool between the check and the offer.
            connection.close();
        }
    }

    /** Closes the idle connections now and the busy ones as their work ends; every close is tried. */
    @Override
    public void close() throws SQLException {
        closed = true;
        List<Connection> connections = new ArrayList<>();
        idle.drainTo(connections);
        SQLException failure = null;
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (SQLException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
