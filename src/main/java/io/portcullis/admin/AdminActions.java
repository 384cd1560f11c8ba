package io.portcullis.admin;

import io.portcullis.config.ConfigStore;
import io.portcullis.pool.PoolAdministration;
import io.portcullis.pool.PoolManager;
import io.portcullis.proxy.SessionControl;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The process controls of the admin console and the REST API, with PgBouncer's meanings. A database
 * named here gets its pool created if it had none yet (so a database can be paused or disabled before
 * its first client). Without a database, an action applies to every configured database.
 *
 * <p>None of these blocks: the ones that take time (PAUSE, WAIT_CLOSE) return a future.
 */
@ApplicationScoped
public class AdminActions {

    private final PoolManager pools;
    private final SessionControl sessions;
    private final ConfigStore store;

    @Inject
    public AdminActions(PoolManager pools, SessionControl sessions, ConfigStore store) {
        this.pools = pools;
        this.sessions = sessions;
        this.store = store;
    }

    /**
     * PAUSE: no server connection is lent any more; connections close as they come back (in
     * transaction mode at the end of each transaction). New queries and logins wait for RESUME.
     *
     * @return completes when every server connection of the database(s) is closed
     */
    public Future<Void> pause(Optional<String> database) {
        List<Future<Void>> pauses = new ArrayList<>();
        for (PoolAdministration pool : targets(database)) {
            pauses.add(pool.pause());
        }
        return Future.all(pauses).mapEmpty();
    }

    /**
     * RESUME: waiting clients get server connections again.
     *
     * @throws AdminException {@code WRONG_STATE} when the database (or, without one, every database) is not paused
     */
    public void resume(Optional<String> database) {
        boolean any = false;
        for (PoolAdministration pool : database.isPresent() ? targets(database) : pools.administrations()) {
            any |= pool.resume();
        }
        if (!any) {
            throw new AdminException(AdminException.Kind.WRONG_STATE, database
                    .map(db -> "database " + db + " is not paused")
                    .orElse("no database is paused"));
        }
    }

    /** RECONNECT: server connections close when they come back (idle ones now); new ones open as needed. */
    public void reconnect(Optional<String> database) {
        targets(database).forEach(PoolAdministration::reconnect);
    }

    /**
     * KILL: every client session of the database ends with 57P01 and its server connections close;
     * the database stays paused until RESUME, as in PgBouncer.
     *
     * @return how many client sessions were ended
     */
    public int kill(Optional<String> database) {
        int ended = 0;
        for (PoolAdministration pool : targets(database)) {
            pool.kill();
            ended += sessions.killDatabase(pool.database(), "database \"" + pool.database() + "\" was killed");
        }
        return ended;
    }

    /** KILL_CLIENT: that session ends with 57P01, returning (or closing) its server connection. */
    public void killClient(int id) {
        if (!sessions.kill(id, "client " + id + " was killed")) {
            throw new AdminException(AdminException.Kind.UNKNOWN_CLIENT, "client not found: " + id);
        }
    }

    /** DISABLE: new logins to the database are refused with 57P03; sessions already in stay. */
    public void disable(String database) {
        poolsOf(database).forEach(pool -> pool.disabled(true));
    }

    /** ENABLE: lifts DISABLE. */
    public void enable(String database) {
        poolsOf(database).forEach(pool -> pool.disabled(false));
    }

    /** WAIT_CLOSE: completes when no connection marked by RECONNECT or KILL is left open. */
    public Future<Void> waitClose(Optional<String> database) {
        List<Future<Void>> waits = new ArrayList<>();
        for (PoolAdministration pool : database.isPresent() ? targets(database) : pools.administrations()) {
            waits.add(pool.waitClose());
        }
        return Future.all(waits).mapEmpty();
    }

    /**
     * Creates the database's pool now if it has none yet (otherwise its first client does), so that reports show it
     * with the holds the store gives it.
     *
     * @throws AdminException {@code UNKNOWN_DATABASE}
     */
    public void open(String database) {
        poolsOf(database);
    }

    /** SHUTDOWN: the graceful drain SIGTERM starts; returns at once. */
    public void shutdown() {
        sessions.shutdown();
    }

    private List<PoolAdministration> targets(Optional<String> database) {
        if (database.isPresent()) {
            return poolsOf(database.get());
        }
        List<PoolAdministration> all = new ArrayList<>();
        for (String name : store.current().databases().keySet()) {
            all.addAll(pools.administrationsOf(name));
        }
        return all;
    }

    /** Every pool of the database: its own user's, its lookups', and those of the users it looked up. */
    private List<PoolAdministration> poolsOf(String database) {
        List<PoolAdministration> found = pools.administrationsOf(database);
        if (found.isEmpty()) {
            throw AdminException.unknownDatabase(database);
        }
        return found;
    }
}
