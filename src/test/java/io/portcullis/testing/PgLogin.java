package io.portcullis.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * Opens pgJDBC connections to a test backend, and waits for a freshly started backend to accept one.
 *
 * <p>"Accepts a login" is the readiness test for both backends: a listening port alone is not enough
 * (QuestDB binds its PG port before its engine is ready; PostgreSQL accepts connections while it is still
 * recovering and answers them with "the database system is starting up").
 */
public final class PgLogin {

    /** Connect timeout of one attempt; the backends are local, so a slow connect means "not up yet". */
    static final int CONNECT_TIMEOUT_SECONDS = 2;

    /** Socket read timeout of one attempt, so a backend that accepts but never answers cannot hang us. */
    static final int SOCKET_TIMEOUT_SECONDS = 10;

    /** Pause between readiness attempts. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private PgLogin() {
    }

    /** A JDBC URL for {@code database} on the loopback backend at {@code port}, TLS off. */
    public static String url(int port, String database) {
        return url(port, database, "disable");
    }

    /** A JDBC URL for {@code database} on the loopback backend at {@code port} with this pgJDBC sslmode. */
    public static String url(int port, String database, String sslmode) {
        return "jdbc:postgresql://" + Loopback.HOST + ":" + port + "/" + database + "?sslmode=" + sslmode;
    }

    /** Opens a connection (TLS off, short timeouts). The caller closes it. */
    public static Connection connect(int port, String database, String user, String password) throws SQLException {
        return connect(port, database, user, password, "disable");
    }

    /**
     * Opens a connection with this pgJDBC sslmode ({@code require}: encrypted, certificate not checked) and short
     * timeouts. The caller closes it.
     */
    public static Connection connect(int port, String database, String user, String password, String sslmode)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", "portcullis-tests");
        return DriverManager.getConnection(url(port, database, sslmode), props);
    }

    /**
     * Blocks until a login succeeds, the process dies, or {@code timeout} passes.
     *
     * @param what a name for messages, e.g. "QuestDB"
     * @param process the backend's process (or its launcher); its death ends the wait early
     * @param log the backend's log file, quoted in the failure message
     * @throws IllegalStateException with the log tail and the last login error when the backend is not ready
     */
    static void awaitLogin(String what, Process process, java.nio.file.Path log, int port, String database,
            String user, String password, Duration timeout) {
        awaitLogin(what, process, log, port, database, user, password, "disable", timeout);
    }

    static void awaitLogin(String what, Process process, java.nio.file.Path log, int port, String database,
            String user, String password, String sslmode, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        SQLException last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited with code " + process.exitValue()
                        + " before accepting a login on port " + port + "; " + LogTail.of(log));
            }
            try (Connection ignored = connect(port, database, user, password, sslmode)) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(POLL_INTERVAL);
        }
        throw new IllegalStateException(what + " did not accept a login as " + user + " on " + Loopback.HOST + ":"
                + port + " within " + timeout.toSeconds() + " s (last error: "
                + (last == null ? "none" : last.getMessage()) + "); " + LogTail.of(log));
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a test backend", e);
        }
    }
}
