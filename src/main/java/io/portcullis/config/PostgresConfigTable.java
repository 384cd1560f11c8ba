package io.portcullis.config;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

/**
 * The SQL of the shared store, in one place. One row per version, appended: the newest row is the
 * configuration, older rows are its history (who wrote which version when). Each write keeps the newest
 * {@code portcullis.config.postgresql.history} rows and deletes the older ones in its own transaction, when the
 * role may delete (see {@link #prune}); an operator may delete old rows too, never the newest.
 *
 * <pre>
 * CREATE TABLE portcullis_config (
 *   version    bigint PRIMARY KEY CHECK (version &gt; 0),
 *   document   text NOT NULL,            -- the same JSON document as the file store's config.json
 *   written_at timestamptz NOT NULL DEFAULT now(),
 *   writer     text NOT NULL)            -- host name and process id of the replica that wrote it
 * </pre>
 *
 * <p>Writers serialize on a transaction-scoped advisory lock (no table privilege beyond SELECT and INSERT
 * needed, DELETE only for pruning; readers are never blocked), and the primary key refuses a second row for one version should
 * anything bypass the lock. The NOTIFY is sent inside the writing transaction, so PostgreSQL delivers it
 * only once the row is committed, and never for a rolled-back write.
 *
 * <p>The table name was validated by {@link PostgresStoreSettings} (lower-case identifier characters only),
 * which is what makes splicing it into SQL safe; it doubles as the notification channel name.
 */
final class PostgresConfigTable {

    /** High half of the advisory lock key: "port" in ASCII, so the key does not collide with other users' locks by accident. */
    private static final long LOCK_NAMESPACE = 0x706f7274L << 32;

    /** SQLSTATE of a statement the role lacks the privilege for (here: DELETE, for pruning). */
    static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final String table;
    private final long lockKey;

    /** The newest row: its version and its document. */
    record Row(long version, byte[] document) {
    }

    PostgresConfigTable(String table) {
        this.table = table;
        this.lockKey = LOCK_NAMESPACE | (table.hashCode() & 0xffffffffL);
    }

    String channel() {
        return table;
    }

    /**
     * Creates the table if it is missing, under the writers' lock so that replicas starting together do not race.
     * Looks first: {@code CREATE TABLE IF NOT EXISTS} demands CREATE on the schema even when the table exists,
     * and a role that was only granted SELECT and INSERT on a table an administrator made must still start.
     */
    void create(Connection connection) throws SQLException {
        if (exists(connection)) {
            return;
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            lockWriters(connection);
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "version bigint PRIMARY KEY CHECK (version > 0), "
                    + "document text NOT NULL, "
                    + "written_at timestamptz NOT NULL DEFAULT now(), "
                    + "writer text NOT NULL)");
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement lookup = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            lookup.setString(1, table);
            try (ResultSet found = lookup.executeQuery()) {
                found.next();
                return found.getBoolean(1);
            }
        }
    }

    /** Blocks until no other writer (of any replica) holds the lock; released at the end of the transaction. */
    void lockWriters(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, lockKey);
            lock.execute();
        }
    }

    /** The newest row, or null when nothing has been stored yet. */
    Row newest(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT version, document FROM " + table + " ORDER BY version DESC LIMIT 1")) {
            if (!rows.next()) {
                return null;
            }
            return new Row(rows.getLong(1), rows.getString(2).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Only the newest version number: what the watcher compares before reading a whole document. */
    long newestVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT coalesce(max(version), 0) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Appends a version and queues its notification (sent on commit). */
    void append(Connection connection, long version, byte[] document, String writer) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table + " (version, document, writer) VALUES (?, ?, ?)")) {
            insert.setLong(1, version);
            insert.setString(2, new String(document, StandardCharsets.UTF_8));
            insert.setString(3, writer);
            insert.executeUpdate();
        }
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, channel());
            notify.setString(2, Long.toString(version));
            notify.execute();
        }
    }

    /**
     * Deletes every row older than the newest {@code keep}, inside the caller's transaction (under the writers'
     * lock, after its append). A role without DELETE on the table must still be able to write: the delete runs
     * under a savepoint, and on SQLSTATE {@value #INSUFFICIENT_PRIVILEGE} only the delete is rolled back.
     *
     * @return false when the role may not delete, so nothing was pruned (the rest of the transaction stands)
     * @throws SQLException for any other failure; the caller's transaction is then unusable
     */
    boolean prune(Connection connection, int keep) throws SQLException {
        Savepoint beforeDelete = connection.setSavepoint();
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE version < ("
                + "SELECT version FROM " + table + " ORDER BY version DESC OFFSET ? LIMIT 1)")) {
            delete.setInt(1, keep - 1);
            delete.executeUpdate();
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(beforeDelete);
            return false;
        }
        connection.releaseSavepoint(beforeDelete);
        return true;
    }

    /** Subscribes this connection to the channel; notifications then arrive with its next read. */
    void listen(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN \"" + channel() + "\"");
        }
    }

    @Override
    public String toString() {
        return table;
    }
}
