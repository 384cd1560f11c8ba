package io.portcullis.pool;

import java.util.function.Supplier;

/**
 * Told about each pool when it is created, so that metrics and health can follow it without the pool
 * knowing about either. A CDI bean implementing this interface is picked up by {@link PoolManager}.
 */
public interface PoolObserver {

    /** Observes nothing. */
    PoolObserver NONE = (database, stats, totals) -> DatabaseTraffic.NONE;

    /**
     * A pool for {@code database} was created.
     *
     * @param stats  a snapshot of the pool on demand (takes the pool's lock briefly; for scrapes, not the wire path)
     * @param totals the database's traffic totals on demand: the counts of requests, transactions and bytes are
     *               kept once, by the pool, and read from here, so the wire path adds to one counter per event
     * @return what the pool and its borrowers report to; held for the pool's lifetime
     */
    DatabaseTraffic database(String database, Supplier<PoolStats> stats, Supplier<TrafficSnapshot> totals);
}
