package io.portcullis.pool;

import io.vertx.core.Vertx;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server connections of one database across all its pools, for {@code maxDbConnections} (PgBouncer's
 * {@code max_db_connections}), which caps the database as a whole: its own user's pool and the pool of every user
 * looked up in its backend count together. (The lookup's own two connections do not: they are the gateway's, not a
 * client's.)
 *
 * <p>A pool takes a slot before it opens a connection ({@link #tryOpen}) and gives it back when the connection is
 * gone ({@link #closed}). A pool whose waiters find the database full is starving ({@link #starving}): it makes room
 * by closing the oldest idle connection of another of the database's pools ({@link #evictIdle}), as PgBouncer does,
 * and while it starves the other pools close connections they take back instead of keeping them idle. A freed slot
 * wakes the starving pools, off every pool's lock.
 */
final class DatabaseConnections {

    private final Vertx vertx;
    private final AtomicInteger open = new AtomicInteger();
    private final List<Pool> pools = new CopyOnWriteArrayList<>();
    /** Pools whose waiters found the database at its cap. */
    private final Set<Pool> starved = ConcurrentHashMap.newKeySet();

    DatabaseConnections(Vertx vertx) {
        this.vertx = vertx;
    }

    void join(Pool pool) {
        pools.add(pool);
    }

    void leave(Pool pool) {
        pools.remove(pool);
        starved.remove(pool);
    }

    /** {@code pool} has waiters and the database is at its cap: the next slot freed, or connection idled, is theirs. */
    void starving(Pool pool) {
        starved.add(pool);
    }

    /** {@code pool} needs no slot now. */
    void fed(Pool pool) {
        starved.remove(pool);
    }

    /**
     * Whether a pool other than {@code pool} waits for a slot: then a connection {@code pool} no longer needs is closed
     * rather than kept idle.
     */
    boolean starvedOtherThan(Pool pool) {
        if (starved.isEmpty()) {
            return false;
        }
        for (Pool other : starved) {
            if (other != pool) {
                return true;
            }
        }
        return false;
    }

    /** Takes a slot unless {@code max} (when positive) are taken. */
    boolean tryOpen(int max) {
        while (true) {
            int now = open.get();
            if (max > 0 && now >= max) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Whether a slot is free under {@code max} (always, when it is not positive). */
    boolean hasRoom(int max) {
        return max <= 0 || open.get() < max;
    }

    /**
     * Gives a slot back. When the database is capped, the pools starving for a slot look again, on an event loop,
     * holding no lock of the caller's.
     */
    void closed(Pool from, boolean capped) {
        open.decrementAndGet();
        if (capped && starvedOtherThan(from)) {
            vertx.runOnContext(v -> starved.forEach(pool -> {
                if (pool != from) {
                    pool.dispatch();
                }
            }));
        }
    }

    /**
     * Closes the least recently used idle connection of one of the database's other pools, so that {@code full}'s
     * waiters get its slot. Call holding no pool's lock.
     *
     * @return whether one was closed
     */
    boolean evictIdle(Pool full) {
        for (Pool pool : pools) {
            if (pool != full && pool.closeOldestIdle()) {
                return true;
            }
        }
        return false;
    }
}
