package io.portcullis.config;

import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * Opens pgJDBC connections to the shared store. The driver is instantiated directly instead of being
 * looked up through {@link java.sql.DriverManager}: no service loading, no reflection, nothing to register
 * for the native image, and the driver is only loaded when the PostgreSQL store is selected.
 *
 * <p>Used by the store and by the replica registry ({@code cluster}), each under an application name of its own, so
 * {@code pg_stat_activity} tells their connections apart. Every call blocks on the network: call it from a worker or
 * a thread of the store's or the registry's own.
 */
public final class PostgresConnector {

    /** A store that does not answer the TCP connect within this is treated as down. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * A statement without an answer for this long fails, so a store that vanishes without closing its sockets
     * (a partitioned network) cannot hang a write or the watcher forever.
     */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    static final String APPLICATION_NAME = "portcullis-config";
    /** The replica registry's connections. */
    public static final String REGISTRY_APPLICATION_NAME = "portcullis-replicas";

    /**
     * SQLSTATE classes that mean "the store is not there right now" rather than "the store refuses us":
     * 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown, admin terminate).
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53", "57");

    private final Driver driver = new Driver();
    private final PostgresStoreSettings settings;
    private final String applicationName;

    PostgresConnector(PostgresStoreSettings settings) {
        this(settings, APPLICATION_NAME);
    }

    public PostgresConnector(PostgresStoreSettings settings, String applicationName) {
        this.settings = settings;
        this.applicationName = applicationName;
    }

    public Connection open() throws SQLException {
        Properties properties = new Properties();
        settings.username().ifPresent(user -> properties.setProperty("user", user));
        settings.password().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        properties.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
        properties.setProperty("tcpKeepAlive", "true");
        Connection connection = driver.connect(settings.url(), properties);
        if (connection == null) {
            throw new SQLException("pgJDBC does not accept the URL " + settings.redactedUrl());
        }
        return connection;
    }

    /** A reason for the log, readiness and API errors: message and SQLSTATE, which never carry the password. */
    public static String describe(Exception e) {
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            return sql.getMessage() + " (SQLSTATE " + sql.getSQLState() + ")";
        }
        return String.valueOf(e.getMessage());
    }

    /** The store it connects to, without the password. */
    @Override
    public String toString() {
        return settings.toString();
    }

    /** Whether retrying later may succeed (the store is down or restarting), as opposed to a refusal. */
    static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.length() < 2 || TRANSIENT_CLASSES.contains(state.substring(0, 2));
    }
}
