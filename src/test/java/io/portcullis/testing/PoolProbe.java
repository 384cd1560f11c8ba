package io.portcullis.testing;

import io.portcullis.pool.PoolManager;
import io.portcullis.pool.PoolStats;

import java.util.concurrent.TimeUnit;

/** Reads one database's pool counts in tests that run inside the application. */
public final class PoolProbe {

    private PoolProbe() {
    }

    /** The pool's counts, or zeros before its first client. */
    public static PoolStats stats(PoolManager pools, String database) {
        return pools.stats().stream().filter(s -> s.database().equals(database)).findFirst()
                .orElse(new PoolStats(database, 0, 0, 0, 0, 0, 0, 0));
    }

    /** Waits up to 10 s for the pool to hold no server connection; returns the last counts seen. */
    public static PoolStats awaitNoneOpen(PoolManager pools, String database) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        PoolStats now = stats(pools, database);
        while (now.open() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            now = stats(pools, database);
        }
        return now;
    }
}
