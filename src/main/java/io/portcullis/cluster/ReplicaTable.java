package io.portcullis.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the replica registry, in one place. One row per running replica, next to the configuration table
 * ({@code portcullis_config} → {@code portcullis_config_replicas}):
 *
 * <pre>
 * CREATE TABLE portcullis_config_replicas (
 *   name                  text PRIMARY KEY,       -- unique among rows, see register()
 *   instance              text NOT NULL,          -- random id of the process holding the row
 *   peer_id               integer NOT NULL UNIQUE CHECK (peer_id BETWEEN 1 AND 16383),
 *   address               text,                   -- host:port of the peer listener; NULL while there is none
 *   software_version      text NOT NULL,
 *   config_version        bigint NOT NULL,        -- the newest configuration version it applied
 *   ready                 boolean NOT NULL,
 *   started_at            timestamptz NOT NULL,
 *   last_heartbeat        timestamptz NOT NULL,   -- the store's clock, so replicas' clocks may disagree
 *   heartbeat_interval_ms integer NOT NULL)       -- its own interval: a row is live for 3 of them
 * </pre>
 *
 * <p>Registration (creating the table, choosing a name and a peer id) is serialized across replicas by a
 * transaction-scoped advisory lock of its own; heartbeats are single-row updates keyed by name and instance, so a
 * replica whose row was taken over or forgotten learns it (no row updated) and registers again. Liveness and ages
 * are computed by PostgreSQL with {@code now()}: only the store's clock counts.
 *
 * <p>The configuration table's name was validated by the store's settings (lower-case identifier characters
 * only), which is what makes splicing it into SQL safe. PostgreSQL cuts names longer than 63 bytes, so a
 * configuration table name over 54 characters gets a replicas table of a cut name (the same on every replica).
 */
final class ReplicaTable {

    static final String SUFFIX = "_replicas";
    /** A row is shown as not live after this many of its replica's heartbeat intervals without a heartbeat. */
    static final int MISSED_HEARTBEATS = 3;
    /** PgBouncer's peer_id range: 14 bits, so a peer id fits into a BackendKeyData process id beside a local id. */
    static final int MAX_PEER_ID = 16383;
    /** High half of the advisory lock key: "peer" in ASCII; the configuration writers' lock uses "port". */
    private static final long LOCK_NAMESPACE = 0x70656572L << 32;

    private static final String COLUMNS = "name, instance, peer_id, address, software_version, config_version, ready, "
            + "started_at, last_heartbeat, now() - last_heartbeat <= make_interval(secs => heartbeat_interval_ms * "
            + MISSED_HEARTBEATS + " / 1000.0) AS live";

    private final String table;
    private final long lockKey;

    /** What a replica writes about itself. */
    record Own(String name, String instance, int peerId, String address, String softwareVersion, long configVersion,
               boolean ready, Instant startedAt, Duration heartbeatInterval) {
    }

    ReplicaTable(String configTable) {
        this.table = configTable + SUFFIX;
        this.lockKey = LOCK_NAMESPACE | (table.hashCode() & 0xffffffffL);
    }

    /**
     * Creates the table if it is missing, under the registry's lock so that replicas starting together do not race.
     * Looks first: a role granted only SELECT, INSERT, UPDATE and DELETE on a table an administrator made must start.
     */
    void create(Connection connection) throws SQLException {
        if (exists(connection)) {
            return;
        }
        inTransaction(connection, () -> {
            lock(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                        + "name text PRIMARY KEY, "
                        + "instance text NOT NULL, "
                        + "peer_id integer NOT NULL UNIQUE CHECK (peer_id BETWEEN 1 AND " + MAX_PEER_ID + "), "
                        + "address text, "
                        + "software_version text NOT NULL, "
                        + "config_version bigint NOT NULL, "
                        + "ready boolean NOT NULL, "
                        + "started_at timestamptz NOT NULL, "
                        + "last_heartbeat timestamptz NOT NULL DEFAULT now(), "
                        + "heartbeat_interval_ms integer NOT NULL)");
            }
            return null;
        });
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

    /**
     * Inserts this replica's row and returns it with the name and peer id it got. The wanted name is taken when
     * no row holds it, or when the row holding it is no longer live (this replica restarted after a crash, or the
     * holder is gone); when a live replica holds it, the name becomes {@code wanted-<peer id>}. The peer id is the
     * lowest one no row holds.
     *
     * @throws SQLException also when all {@value #MAX_PEER_ID} peer ids are held
     */
    Own register(Connection connection, Own wanted) throws SQLException {
        return inTransaction(connection, () -> {
            lock(connection);
            int peerId = freePeerId(connection);
            String name = wanted.name();
            while (true) {
                Boolean holderLive = holderLive(connection, name);
                if (holderLive == null) {
                    break;
                }
                if (!holderLive) {
                    delete(connection, name);
                    break;
                }
                name = name + "-" + peerId;
            }
            Own own = new Own(name, wanted.instance(), peerId, wanted.address(), wanted.softwareVersion(),
                    wanted.configVersion(), wanted.ready(), wanted.startedAt(), wanted.heartbeatInterval());
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                    + " (name, instance, peer_id, address, software_version, config_version, ready, started_at, "
                    + "last_heartbeat, heartbeat_interval_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, now(), ?)")) {
                insert.setString(1, own.name());
                insert.setString(2, own.instance());
                insert.setInt(3, own.peerId());
                insert.setString(4, own.address());
                insert.setString(5, own.softwareVersion());
                insert.setLong(6, own.configVersion());
                insert.setBoolean(7, own.ready());
                insert.setTimestamp(8, Timestamp.from(own.startedAt()));
                insert.setInt(9, (int) own.heartbeatInterval().toMillis());
                insert.executeUpdate();
            }
            return own;
        });
    }

    /** Whether the row holding {@code name} is live, or null when no row holds it. */
    private Boolean holderLive(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                + " WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getBoolean("live") : null;
            }
        }
    }

    private int freePeerId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet free = statement.executeQuery("SELECT candidate FROM generate_series(1, " + MAX_PEER_ID
                     + ") AS candidate WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE peer_id = candidate) "
                     + "ORDER BY candidate LIMIT 1")) {
            if (!free.next()) {
                throw new SQLException("all " + MAX_PEER_ID + " peer ids of " + table + " are held: delete stale rows");
            }
            return free.getInt(1);
        }
    }

    /**
     * Refreshes this replica's row. Returns false when the row is no longer this process's (it was forgotten,
     * or another replica took the name over after it stopped being live): the caller registers again.
     */
    boolean heartbeat(Connection connection, Own own) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET last_heartbeat = now(), "
                + "config_version = ?, ready = ?, address = ?, heartbeat_interval_ms = ? WHERE name = ? AND instance = ?")) {
            update.setLong(1, own.configVersion());
            update.setBoolean(2, own.ready());
            update.setString(3, own.address());
            update.setInt(4, (int) own.heartbeatInterval().toMillis());
            update.setString(5, own.name());
            update.setString(6, own.instance());
            return update.executeUpdate() == 1;
        }
    }

    /** Deletes rows without a heartbeat for {@code forgetAfter}; returns how many. */
    int forget(Connection connection, Duration forgetAfter) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                + " WHERE last_heartbeat < now() - make_interval(secs => ?)")) {
            delete.setDouble(1, forgetAfter.toMillis() / 1000.0);
            return delete.executeUpdate();
        }
    }

    /** Deletes this process's row (a graceful stop). */
    void leave(Connection connection, Own own) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                + " WHERE name = ? AND instance = ?")) {
            delete.setString(1, own.name());
            delete.setString(2, own.instance());
            delete.executeUpdate();
        }
    }

    private void delete(Connection connection, String name) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE name = ?")) {
            delete.setString(1, name);
            delete.executeUpdate();
        }
    }

    /** Every row, by name, as an immutable list; {@code self} marks the row of this process. */
    List<Replica> all(Connection connection, String selfInstance) throws SQLException {
        List<Replica> replicas = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT " + COLUMNS + " FROM " + table + " ORDER BY name")) {
            while (rows.next()) {
                replicas.add(new Replica(rows.getString("name"), rows.getInt("peer_id"), rows.getString("address"),
                        rows.getString("software_version"), rows.getLong("config_version"),
                        instant(rows, "started_at"), instant(rows, "last_heartbeat"), rows.getBoolean("ready"),
                        rows.getBoolean("live"), rows.getString("instance").equals(selfInstance)));
            }
        }
        return List.copyOf(replicas);
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private void lock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, lockKey);
            lock.execute();
        }
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // The connection is dropped next; PostgreSQL rolls back a transaction whose connection ends.
            }
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public String toString() {
        return table;
    }
}
