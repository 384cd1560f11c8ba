package io.portcullis.admin;

import io.portcullis.wire.FieldDescription;

import java.util.ArrayList;
import java.util.List;

import static io.portcullis.wire.FieldDescription.numeric;
import static io.portcullis.wire.FieldDescription.text;

/**
 * {@code SHOW STATS}, {@code SHOW STATS_TOTALS} and {@code SHOW STATS_AVERAGES} with PgBouncer 1.25's
 * columns: counters are {@code numeric}, times in microseconds. Portcullis does not rewrite prepared
 * statements, so the parse and bind counts are 0.
 */
final class StatsTables {

    private static final String[] TOTAL_NAMES = {"total_server_assignment_count", "total_xact_count",
            "total_query_count", "total_received", "total_sent", "total_xact_time", "total_query_time",
            "total_wait_time", "total_client_parse_count", "total_server_parse_count", "total_bind_count"};
    private static final String[] AVERAGE_NAMES = {"avg_server_assignment_count", "avg_xact_count",
            "avg_query_count", "avg_recv", "avg_sent", "avg_xact_time", "avg_query_time", "avg_wait_time",
            "avg_client_parse_count", "avg_server_parse_count", "avg_bind_count"};
    /** STATS_TOTALS and STATS_AVERAGES share their first eight names. */
    private static final String[] SHORT_NAMES = {"server_assignment_count", "xact_count", "query_count",
            "bytes_received", "bytes_sent", "xact_time", "query_time", "wait_time"};
    private static final String[] TOTALS_PARSE_NAMES = {"client_parse_count", "server_parse_count", "bind_count"};
    private static final String[] AVERAGES_PARSE_NAMES = {"avg_client_parse_count", "avg_server_parse_count",
            "avg_bind_count"};

    private StatsTables() {
    }

    static ResultTable stats(List<StatsReport> stats) {
        ResultTable table = new ResultTable(columns(TOTAL_NAMES, AVERAGE_NAMES));
        for (StatsReport s : stats) {
            List<Object> row = new ArrayList<>();
            row.add(s.database());
            row.addAll(totals(s.totals()));
            row.addAll(averages(s.averages()));
            table.row(row.toArray());
        }
        return table;
    }

    static ResultTable totals(List<StatsReport> stats) {
        ResultTable table = new ResultTable(columns(SHORT_NAMES, TOTALS_PARSE_NAMES));
        for (StatsReport s : stats) {
            List<Object> row = new ArrayList<>();
            row.add(s.database());
            row.addAll(totals(s.totals()));
            table.row(row.toArray());
        }
        return table;
    }

    static ResultTable averages(List<StatsReport> stats) {
        ResultTable table = new ResultTable(columns(SHORT_NAMES, AVERAGES_PARSE_NAMES));
        for (StatsReport s : stats) {
            List<Object> row = new ArrayList<>();
            row.add(s.database());
            row.addAll(averages(s.averages()));
            table.row(row.toArray());
        }
        return table;
    }

    private static List<FieldDescription> columns(String[] first, String[] second) {
        List<FieldDescription> columns = new ArrayList<>();
        columns.add(text("database"));
        for (String name : first) {
            columns.add(numeric(name));
        }
        for (String name : second) {
            columns.add(numeric(name));
        }
        return columns;
    }

    /** Eight totals plus the three prepared-statement counts. */
    private static List<Object> totals(StatsReport.Totals t) {
        return List.of(t.serverAssignmentCount(), t.xactCount(), t.queryCount(), t.bytesReceived(), t.bytesSent(),
                t.xactTime(), t.queryTime(), t.waitTime(), 0L, 0L, 0L);
    }

    private static List<Object> averages(StatsReport.Averages a) {
        return List.of(a.serverAssignmentCount(), a.xactCount(), a.queryCount(), a.bytesReceived(), a.bytesSent(),
                a.xactTime(), a.queryTime(), a.waitTime(), 0L, 0L, 0L);
    }

    /** PgBouncer 1.25's SHOW TOTALS rows: {@code total_*}, then {@code avg_*}. */
    private static final String[] GRAND_NAMES = {"server_assignment_count", "xact_count", "query_count", "client_bytes",
            "server_bytes", "xact_time", "query_time", "wait_time", "ps_client_parse_count", "ps_server_parse_count",
            "ps_bind_count"};

    /**
     * {@code SHOW TOTALS}: SHOW STATS over all databases as (name, value) rows, as PgBouncer 1.25 answers it. The
     * averages are the databases' rates summed, and their per-event times weighted by each database's rate (what one
     * period over all pools gives).
     */
    static ResultTable grandTotals(List<StatsReport> stats) {
        long[] totals = new long[GRAND_NAMES.length];
        long[] rates = new long[GRAND_NAMES.length];
        double xactTimeWeighted = 0;
        double queryTimeWeighted = 0;
        double waitTimeWeighted = 0;
        for (StatsReport s : stats) {
            List<Object> t = totals(s.totals());
            List<Object> a = averages(s.averages());
            for (int i = 0; i < GRAND_NAMES.length; i++) {
                totals[i] += (Long) t.get(i);
                rates[i] += (Long) a.get(i);
            }
            xactTimeWeighted += (double) s.averages().xactTime() * s.averages().xactCount();
            queryTimeWeighted += (double) s.averages().queryTime() * s.averages().queryCount();
            waitTimeWeighted += (double) s.averages().waitTime() * s.averages().serverAssignmentCount();
        }
        // Times per event: weighted by the events that took them, not summed.
        rates[5] = rates[1] == 0 ? 0 : Math.round(xactTimeWeighted / rates[1]);
        rates[6] = rates[2] == 0 ? 0 : Math.round(queryTimeWeighted / rates[2]);
        rates[7] = rates[0] == 0 ? 0 : Math.round(waitTimeWeighted / rates[0]);
        ResultTable table = new ResultTable(text("name"), numeric("value"));
        for (int i = 0; i < GRAND_NAMES.length; i++) {
            table.row("total_" + GRAND_NAMES[i], totals[i]);
        }
        for (int i = 0; i < GRAND_NAMES.length; i++) {
            table.row("avg_" + GRAND_NAMES[i], rates[i]);
        }
        return table;
    }
}
