package io.portcullis.cluster;

import io.portcullis.config.PostgresStoreSettings;
import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Opens pgJDBC connections to the shared store for the registry, with the store's settings. The configuration
 * package keeps its connector to itself; this one opens connections the same way (the driver instantiated
 * directly: no service loading, nothing to register for the native image) under an application name of its
 * own, so {@code pg_stat_activity} tells the registry's connection from the configuration watcher's.
 */
final class ReplicaStoreConnector {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A statement without an answer for this long fails: a partitioned store cannot hang the heartbeat. */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    static final String APPLICATION_NAME = "portcullis-replicas";

    private final Driver driver = new Driver();
    private final PostgresStoreSettings settings;

    ReplicaStoreConnector(PostgresStoreSettings settings) {
        this.settings = settings;
    }

    Connection open() throws SQLException {
        Properties properties = new Properties();
        settings.username().ifPresent(user -> properties.setProperty("user", user));
        settings.password().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        properties.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
        properties.setProperty("tcpKeepAlive", "true");
        Connection connection = driver.connect(settings.url(), properties);
        if (connection == null) {
            throw new SQLException("pgJDBC does not accept the URL " + settings.redactedUrl());
        }
        return connection;
    }

    /** Message and SQLSTATE, which never carry the password. */
    static String describe(Exception e) {
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            return sql.getMessage() + " (SQLSTATE " + sql.getSQLState() + ")";
        }
        return String.valueOf(e.getMessage());
    }

    @Override
    public String toString() {
        return settings.toString();
    }
}
