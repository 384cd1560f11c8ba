package io.portcullis.pool;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;

/**
 * What an administrator may order one pool to do, with PgBouncer's semantics: the admin console's
 * {@code PAUSE}, {@code RESUME}, {@code RECONNECT}, {@code KILL}, {@code DISABLE}/{@code ENABLE} and
 * {@code WAIT_CLOSE}, and the REST API's equivalents. The orders are kept in the pool's {@link PoolControl},
 * which lending consults; each one changes it holding the pool's lock, then closes, fails and completes
 * (I/O and callbacks) after unlocking.
 */
public final class PoolAdministration {

    private final Pool pool;

    PoolAdministration(Pool pool) {
        this.pool = pool;
    }

    public String database() {
        return pool.database;
    }

    /** What this pool shows (an administrator acts on what it sees). */
    public PoolView view() {
        return pool.view();
    }

    /**
     * PAUSE: from now on nobody gets a server connection (borrowers queue, with their usual deadline);
     * idle connections close at once, lent ones when they come back: in transaction mode at the end of
     * the transaction, in session mode when the client leaves.
     *
     * @return completes when no server connection of this database is left open
     */
    public Future<Void> pause() {
        Promise<Void> done = Promise.promise();
        List<ServerConnection> idleNow;
        synchronized (pool) {
            pool.control.pause(done);
            idleNow = pool.retireIdleLocked();
        }
        idleNow.forEach(ServerConnection::close);
        pool.dispatch();
        return done.future();
    }

    /**
     * RESUME: waiting borrowers are served again. A pause still in progress ends, and whoever waits
     * for it is told so.
     *
     * @return false when the pool was not paused (nothing changed)
     */
    public boolean resume() {
        List<Promise<Void>> unfinished = new ArrayList<>();
        boolean was;
        synchronized (pool) {
            was = pool.control.resume(unfinished);
        }
        unfinished.forEach(p -> p.tryFail("the database was resumed before the pause completed"));
        pool.dispatch();
        return was;
    }

    /**
     * RECONNECT: idle connections close now, lent ones when they come back; new connections are
     * opened as borrowers need them.
     */
    public void reconnect() {
        List<ServerConnection> idleNow;
        synchronized (pool) {
            idleNow = pool.retireIdleLocked();
            pool.control.closeWhenReturned(pool.lent);
            pool.control.closeWhenReturned(pool.handingOver);
        }
        idleNow.forEach(ServerConnection::close);
        pool.dispatch();
    }

    /**
     * KILL (the pool side): pauses the pool as PgBouncer does (RESUME lifts it), fails every waiting
     * borrower with 57P01, closes idle connections and marks lent ones to close when their sessions,
     * which the caller ends, give them back.
     */
    public void kill() {
        List<ServerConnection> idleNow;
        List<Pool.Waiter> toFail;
        synchronized (pool) {
            pool.control.pause(null);
            idleNow = pool.retireIdleLocked();
            pool.control.closeWhenReturned(pool.lent);
            pool.control.closeWhenReturned(pool.handingOver);
            toFail = new ArrayList<>(pool.waiters);
            pool.waiters.clear();
        }
        idleNow.forEach(ServerConnection::close);
        toFail.forEach(w -> w.fail(BackendUnavailable.killed(pool.database)));
        pool.dispatch();
    }

    /** DISABLE / ENABLE: whether new client logins to this database are refused. */
    public void disabled(boolean refuseNewClients) {
        pool.control.disabled(refuseNewClients);
    }

    /** WAIT_CLOSE: completes when no connection marked by RECONNECT or KILL is left. */
    public Future<Void> waitClose() {
        Promise<Void> done = Promise.promise();
        synchronized (pool) {
            pool.control.waitClose(done);
        }
        pool.dispatch();
        return done.future();
    }
}
