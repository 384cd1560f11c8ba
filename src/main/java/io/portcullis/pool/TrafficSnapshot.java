package io.portcullis.pool;

/**
 * One database's traffic totals since the process started (PgBouncer's {@code SHOW STATS_TOTALS}).
 * Times are in nanoseconds here; the admin console shows microseconds, as PgBouncer does.
 *
 * @param serverAssignments times a server connection was handed to a client
 * @param transactions      ReadyForQuery 'I' seen by clients
 * @param queries           simple Queries plus extended-protocol Syncs
 * @param bytesReceived     bytes from clients
 * @param bytesSent         bytes to clients
 * @param transactionNanos  summed transaction durations
 * @param queryNanos        summed request durations
 * @param waitNanos         summed time clients waited for a server connection
 * @param logins            client logins that got a server connection
 */
public record TrafficSnapshot(long serverAssignments, long transactions, long queries, long bytesReceived,
                              long bytesSent, long transactionNanos, long queryNanos, long waitNanos, long logins) {

    public static final TrafficSnapshot ZERO = new TrafficSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** What happened between {@code earlier} and this snapshot. */
    public TrafficSnapshot minus(TrafficSnapshot earlier) {
        return new TrafficSnapshot(serverAssignments - earlier.serverAssignments, transactions - earlier.transactions,
                queries - earlier.queries, bytesReceived - earlier.bytesReceived, bytesSent - earlier.bytesSent,
                transactionNanos - earlier.transactionNanos, queryNanos - earlier.queryNanos,
                waitNanos - earlier.waitNanos, logins - earlier.logins);
    }
}
