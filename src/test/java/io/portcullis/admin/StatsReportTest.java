package io.portcullis.admin;

import io.portcullis.pool.TrafficSnapshot;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** PgBouncer's arithmetic for SHOW STATS: totals in microseconds, averages per second and per event. */
class StatsReportTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void totalsAreMicroseconds() {
        StatsReport.Totals t = StatsReport.Totals.of(new TrafficSnapshot(4, 3, 9, 100, 200, 3_000_000, 9_000_000, 40_000, 2));
        assertEquals(new StatsReport.Totals(4, 3, 9, 100, 200, 3_000, 9_000, 40), t);
    }

    @Test
    void averagesArePerSecondAndPerEvent() {
        TrafficSnapshot delta = new TrafficSnapshot(20, 10, 30, 6_000, 12_000, 50_000_000, 60_000_000, 2_000_000, 0);
        StatsReport.Averages a = StatsReport.Averages.over(delta, 2 * SECOND);
        assertEquals(10, a.serverAssignmentCount());
        assertEquals(5, a.xactCount());
        assertEquals(15, a.queryCount());
        assertEquals(3_000, a.bytesReceived());
        assertEquals(6_000, a.bytesSent());
        assertEquals(5_000, a.xactTime(), "50 ms over 10 transactions = 5 ms each");
        assertEquals(2_000, a.queryTime());
        assertEquals(100, a.waitTime(), "2 ms of waiting over 20 assignments");
    }

    @Test
    void nothingHappenedOrANegativeDeltaIsZero() {
        assertEquals(StatsReport.Averages.ZERO, StatsReport.Averages.over(TrafficSnapshot.ZERO, SECOND));
        assertEquals(StatsReport.Averages.ZERO, StatsReport.Averages.over(TrafficSnapshot.ZERO.minus(
                new TrafficSnapshot(5, 5, 5, 5, 5, 5, 5, 5, 5)), SECOND));
        assertEquals(StatsReport.Averages.ZERO, StatsReport.Averages.over(new TrafficSnapshot(1, 1, 1, 1, 1, 1, 1, 1, 1), 0));
    }
}
