package io.portcullis.pool;

/**
 * What a pool holds at one moment, for the admin console and metrics.
 *
 * @param open connections counted against the pool size: idle, lent, being reset, or still logging in
 * @param resetting returned connections whose hand-over (closing the previous client's statements) is running
 * @param oldestWaitNanos how long the longest-waiting borrower has waited, 0 when nobody waits
 */
public record PoolStats(String database, int poolSize, int open, int idle, int lent, int waiting, int resetting,
                        long oldestWaitNanos) {

    /** Connections being opened or logged in: counted, but not yet idle, lent or resetting. */
    public int loggingIn() {
        return Math.max(0, open - idle - lent - resetting);
    }
}
