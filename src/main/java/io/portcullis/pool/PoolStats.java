package io.portcullis.pool;

/** What a pool holds at one moment, for the admin console and metrics. */
public record PoolStats(String database, int poolSize, int open, int idle, int lent, int waiting) {
}
