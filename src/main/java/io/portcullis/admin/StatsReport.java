package io.portcullis.admin;

import io.portcullis.pool.TrafficSnapshot;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One database's statistics as {@code SHOW STATS} shows them: totals since the process started and
 * averages over the last {@code portcullis.admin.stats-period}, times in microseconds as PgBouncer
 * has them.
 */
@Schema(name = "Stats", description = "A database's statistics, as the admin console's SHOW STATS shows them")
public record StatsReport(String database, Totals totals, Averages averages) {

    private static final long NANOS_PER_MICRO = 1_000;
    private static final double NANOS_PER_SECOND = 1e9;

    /** Since the process started (since the database's pool was created, to be exact). */
    @Schema(name = "StatsTotals")
    public record Totals(
            @Schema(description = "times a server connection was handed to a client") long serverAssignmentCount,
            @Schema(description = "transactions ended (ReadyForQuery idle), autocommit statements included") long xactCount,
            @Schema(description = "requests: simple Queries plus extended-protocol Syncs") long queryCount,
            @Schema(description = "bytes received from clients") long bytesReceived,
            @Schema(description = "bytes sent to clients") long bytesSent,
            @Schema(description = "summed transaction durations, microseconds") long xactTime,
            @Schema(description = "summed request durations, microseconds") long queryTime,
            @Schema(description = "summed time clients waited for a server connection, microseconds") long waitTime) {

        static Totals of(TrafficSnapshot t) {
            return new Totals(t.serverAssignments(), t.transactions(), t.queries(), t.bytesReceived(), t.bytesSent(),
                    t.transactionNanos() / NANOS_PER_MICRO, t.queryNanos() / NANOS_PER_MICRO,
                    t.waitNanos() / NANOS_PER_MICRO);
        }
    }

    /** Over the last statistics period: counts and bytes per second, times per event in microseconds. */
    @Schema(name = "StatsAverages")
    public record Averages(
            @Schema(description = "server assignments per second") long serverAssignmentCount,
            @Schema(description = "transactions per second") long xactCount,
            @Schema(description = "requests per second") long queryCount,
            @Schema(description = "bytes received per second") long bytesReceived,
            @Schema(description = "bytes sent per second") long bytesSent,
            @Schema(description = "average transaction duration, microseconds") long xactTime,
            @Schema(description = "average request duration, microseconds") long queryTime,
            @Schema(description = "average wait for a server connection, microseconds") long waitTime) {

        static final Averages ZERO = new Averages(0, 0, 0, 0, 0, 0, 0, 0);

        /**
         * PgBouncer's arithmetic: counts per second over the period; times divided by their own counts.
         *
         * @param delta       what happened during the period (negative parts, after a pool was recreated, count as 0)
         * @param periodNanos how long the period was
         */
        static Averages over(TrafficSnapshot delta, long periodNanos) {
            if (periodNanos <= 0) {
                return ZERO;
            }
            return new Averages(perSecond(delta.serverAssignments(), periodNanos),
                    perSecond(delta.transactions(), periodNanos), perSecond(delta.queries(), periodNanos),
                    perSecond(delta.bytesReceived(), periodNanos), perSecond(delta.bytesSent(), periodNanos),
                    perEvent(delta.transactionNanos(), delta.transactions()),
                    perEvent(delta.queryNanos(), delta.queries()),
                    perEvent(delta.waitNanos(), delta.serverAssignments()));
        }

        private static long perSecond(long count, long periodNanos) {
            return count <= 0 ? 0 : (long) (count * NANOS_PER_SECOND / periodNanos);
        }

        private static long perEvent(long nanos, long count) {
            return count <= 0 || nanos <= 0 ? 0 : nanos / count / NANOS_PER_MICRO;
        }
    }
}
