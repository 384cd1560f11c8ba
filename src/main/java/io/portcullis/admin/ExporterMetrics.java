package io.portcullis.admin;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.portcullis.config.RuntimeSettings;
import io.portcullis.config.LiveSettings;
import io.portcullis.wire.FieldDescription;
import io.prometheus.client.Collector;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The metrics prometheus-community's {@code pgbouncer_exporter} makes of PgBouncer's console, with its names, labels,
 * types and units, made of this console's own {@code SHOW} tables at each scrape, as the exporter does: so the values
 * are what {@code SHOW POOLS}, {@code SHOW STATS_TOTALS}, {@code SHOW DATABASES} and {@code SHOW LISTS} show, and
 * Grafana dashboards built for PgBouncer work on {@code /q/metrics} unchanged. Both generations of the statistics'
 * names are given: {@code pgbouncer_stats_totals_*} (the exporter since 0.11) and {@code pgbouncer_stats_*} (before,
 * and in its README).
 *
 * <p>{@code /q/metrics} is unauthenticated, so nothing here names what only an administrator may know: the
 * {@code host}, {@code port} and {@code force_user} labels of {@code pgbouncer_databases_*} and the {@code user} label
 * of {@code pgbouncer_pools_*} (the backend's address and login: a pool's user is the login it uses, PgBouncer's
 * forced user) are empty, and so is {@code application_name} of {@code pgbouncer_client_connections} (the client
 * chooses it, so it could be anything, and many). The pools of one database's users (its own, its lookups', those
 * of users looked up in the backend) are therefore one series per database.
 */
@ApplicationScoped
public class ExporterMetrics extends Collector {

    /** The exporter's metric name prefix. */
    static final String NAMESPACE = "pgbouncer";
    private static final double MICROS = 1e-6;

    /** One console column as the exporter maps it: the metric's name after its table's prefix, its type, its scale. */
    private record Column(String metric, Type type, double factor, String help) {
    }

    /** SHOW POOLS, by (database, user). */
    private static final Map<String, Column> POOLS = columns(
            "cl_active", gauge("client_active_connections", "Client connections linked to server connection and able to process queries"),
            "cl_active_cancel_req", gauge("client_active_cancel_connections", "Client connections that have forwarded query cancellations to the server and are waiting for the server response"),
            "cl_waiting", gauge("client_waiting_connections", "Client connections waiting on a server connection"),
            "cl_waiting_cancel_req", gauge("client_waiting_cancel_connections", "Client connections that have not forwarded query cancellations to the server yet"),
            "sv_active", gauge("server_active_connections", "Server connections linked to a client connection"),
            "sv_active_cancel", gauge("server_active_cancel_connections", "Server connections that are currently forwarding a cancel request"),
            "sv_being_canceled", gauge("server_being_canceled_connections", "Servers waiting for in-flight cancel requests to complete before becoming idle"),
            "sv_idle", gauge("server_idle_connections", "Server connections idle and ready for a client query"),
            "sv_used", gauge("server_used_connections", "Server connections idle more than server_check_delay, needing server_check_query"),
            "sv_tested", gauge("server_testing_connections", "Server connections currently running either server_reset_query or server_check_query"),
            "sv_login", gauge("server_login_connections", "Server connections currently in the process of logging in"),
            "maxwait", gauge("client_maxwait_seconds", "Age of oldest unserved client connection, in seconds"));

    /** SHOW STATS_TOTALS, by database. */
    private static final Map<String, Column> STATS_TOTALS = columns(
            "query_count", counter("queries_pooled_total", 1, "Total number of SQL queries pooled"),
            "query_time", counter("queries_duration_seconds_total", MICROS, "Total number of seconds spent when actively connected to the server, executing queries"),
            "bytes_received", counter("received_bytes_total", 1, "Total volume in bytes of network traffic received"),
            "bytes_sent", counter("sent_bytes_total", 1, "Total volume in bytes of network traffic sent"),
            "wait_time", counter("client_wait_seconds_total", MICROS, "Time spent by clients waiting for a server, in seconds"),
            "xact_count", counter("sql_transactions_pooled_total", 1, "Total number of SQL transactions pooled"),
            "xact_time", counter("server_in_transaction_seconds_total", MICROS, "Total number of seconds spent connected to the server in a transaction"),
            "client_parse_count", counter("client_parses_total", 1, "Total number of prepared statement Parse messages received from clients"),
            "server_parse_count", counter("server_parses_total", 1, "Total number of prepared statement Parse messages sent to the server"),
            "bind_count", counter("binds_total", 1, "Total number of prepared statements readied for execution with a Bind message"),
            "server_assignment_count", counter("server_assignments_total", 1, "Total number of times a server connection was assigned to a client"));

    /** The same totals under the names of the exporter before 0.11 (SHOW STATS' total_* columns). */
    private static final Set<String> OLD_STATS_NAMES = Set.of("query_count", "query_time", "bytes_received", "bytes_sent",
            "wait_time", "xact_count", "xact_time");

    /** SHOW DATABASES, by the database's name (and, empty here, its backend). */
    private static final Map<String, Column> DATABASES = columns(
            "pool_size", gauge("pool_size", "Maximum number of server connections"),
            "reserve_pool_size", gauge("reserve_pool", "Maximum number of additional connections for this database"),
            "max_connections", gauge("max_connections", "Maximum number of allowed connections for this database"),
            "current_connections", gauge("current_connections", "Current number of connections for this database"),
            "paused", gauge("paused", "1 if this database is currently paused, else 0"),
            "disabled", gauge("disabled", "1 if this database is currently disabled, else 0"));
    private static final List<String> DATABASE_LABELS = List.of("name", "host", "port", "database", "force_user", "pool_mode");
    /** Shown empty: the backend's address and login are an administrator's to know, and /q/metrics is public. */
    private static final Set<String> WITHHELD = Set.of("host", "port", "force_user");

    /** SHOW LISTS, by list name: the exporter's metric names. */
    private static final Map<String, String> LISTS = Map.ofEntries(
            Map.entry("databases", "databases"), Map.entry("users", "users"), Map.entry("pools", "pools"),
            Map.entry("free_clients", "free_clients"), Map.entry("used_clients", "used_clients"),
            Map.entry("login_clients", "login_clients"), Map.entry("free_servers", "free_servers"),
            Map.entry("used_servers", "used_servers"), Map.entry("dns_names", "cached_dns_names"),
            Map.entry("dns_zones", "cached_dns_zones"), Map.entry("dns_queries", "in_flight_dns_queries"));

    @Inject
    ConsoleCommands console;
    @Inject
    LiveSettings live;
    @Inject
    AdminSettings settings;
    @Inject
    Instance<PrometheusMeterRegistry> registry;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String version;

    void onStart(@Observes StartupEvent event) {
        if (settings.exporterMetrics() && registry.isResolvable()) {
            register(registry.get().getPrometheusRegistry());
        }
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> families = new ArrayList<>();
        // A pool's user is its backend login (PgBouncer's force_user): withheld, as in pgbouncer_databases_*.
        table(families, console.table(ConsoleCommand.ShowTarget.POOLS), "pools", POOLS, List.of("database", "user"), Set.of("user"));
        ResultTable totals = console.table(ConsoleCommand.ShowTarget.STATS_TOTALS);
        table(families, totals, "stats_totals", STATS_TOTALS, List.of("database"), Set.of());
        Map<String, Column> old = new LinkedHashMap<>(STATS_TOTALS);
        old.keySet().retainAll(OLD_STATS_NAMES);
        table(families, totals, "stats", old, List.of("database"), Set.of());
        table(families, console.table(ConsoleCommand.ShowTarget.DATABASES), "databases", DATABASES, DATABASE_LABELS, WITHHELD);
        lists(families, console.table(ConsoleCommand.ShowTarget.LISTS));
        clients(families, console.table(ConsoleCommand.ShowTarget.CLIENTS));
        families.add(single("config_max_client_connections", "Configured maximum number of client connections",
                live.current().get(RuntimeSettings.MAX_CLIENT_CONNECTIONS)));
        // PgBouncer's global max_user_connections; Portcullis limits users one by one (maxUserConnections), so: none.
        families.add(single("config_max_user_connections", "Configured maximum number of server connections per user (0: "
                + "none for all users; Portcullis sets it per user)", 0));
        families.add(new MetricFamilySamples(NAMESPACE + "_version_info", Type.GAUGE, "The version info",
                List.of(new MetricFamilySamples.Sample(NAMESPACE + "_version_info", List.of("version"),
                        List.of("portcullis-" + version), 1))));
        // The exporter's scrape succeeded; here the console is in the process that answers, so it always does.
        families.add(single("up", "The pgbouncer scrape succeeded", 1));
        return families;
    }

    /** One family per mapped column of {@code table}, one sample per row, labelled by the label columns. */
    private static void table(List<MetricFamilySamples> out, ResultTable table, String prefix, Map<String, Column> columns,
                              List<String> labels, Set<String> withheld) {
        Map<String, Integer> index = index(table);
        for (Map.Entry<String, Column> mapped : columns.entrySet()) {
            Integer at = index.get(mapped.getKey());
            if (at == null) {
                throw new IllegalStateException("SHOW has no column " + mapped.getKey());
            }
            Column column = mapped.getValue();
            String name = NAMESPACE + "_" + prefix + "_" + column.metric();
            // Rows that differ only in a withheld label (the pools of one database's users) are one sample: Prometheus
            // refuses a scrape with two samples of the same labels. Counts add up; the longest wait is the longest.
            Map<List<String>, Double> merged = new LinkedHashMap<>();
            for (List<String> row : table.rows()) {
                List<String> values = new ArrayList<>(labels.size());
                for (String label : labels) {
                    values.add(withheld.contains(label) ? "" : nonNull(row.get(index.get(label))));
                }
                merged.merge(values, number(row.get(at)) * column.factor(),
                        column.metric().contains("maxwait") ? Math::max : Double::sum);
            }
            List<MetricFamilySamples.Sample> samples = new ArrayList<>();
            merged.forEach((values, value) -> samples.add(new MetricFamilySamples.Sample(name, labels, values, value)));
            // A counter family is named without _total; its samples carry it (the text format's rule).
            String family = column.type() == Type.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
            out.add(new MetricFamilySamples(family, column.type(), column.help(), samples));
        }
    }

    private static void lists(List<MetricFamilySamples> out, ResultTable table) {
        for (List<String> row : table.rows()) {
            String metric = LISTS.get(row.get(0));
            if (metric != null) {
                out.add(single(metric, "Count of " + row.get(0).replace('_', ' '), number(row.get(1))));
            }
        }
    }

    /** {@code pgbouncer_client_connections}: SHOW CLIENTS counted by database, user and state. */
    private static void clients(List<MetricFamilySamples> out, ResultTable table) {
        Map<String, Integer> index = index(table);
        Map<List<String>, Integer> counts = new HashMap<>();
        for (List<String> row : table.rows()) {
            List<String> key = List.of(nonNull(row.get(index.get("database"))), nonNull(row.get(index.get("user"))), "",
                    nonNull(row.get(index.get("state"))));
            counts.merge(key, 1, Integer::sum);
        }
        String name = NAMESPACE + "_client_connections";
        List<String> labels = List.of("database", "user", "application_name", "state");
        List<MetricFamilySamples.Sample> samples = counts.entrySet().stream()
                .map(e -> new MetricFamilySamples.Sample(name, labels, e.getKey(), e.getValue())).toList();
        out.add(new MetricFamilySamples(name, Type.GAUGE,
                "Number of client connections grouped by database, user, application name (withheld: empty) and state", samples));
    }

    private static MetricFamilySamples single(String metric, String help, double value) {
        String name = NAMESPACE + "_" + metric;
        return new MetricFamilySamples(name, Type.GAUGE, help,
                List.of(new MetricFamilySamples.Sample(name, List.of(), List.of(), value)));
    }

    private static Map<String, Integer> index(ResultTable table) {
        Map<String, Integer> index = new HashMap<>();
        List<FieldDescription> columns = table.columns();
        for (int i = 0; i < columns.size(); i++) {
            index.put(columns.get(i).name(), i);
        }
        return index;
    }

    /** A console value as a number: booleans are shown 0/1, NULL as nothing (0). */
    private static double number(String text) {
        return text == null || text.isEmpty() ? 0 : Double.parseDouble(text);
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    private static Column gauge(String metric, String help) {
        return new Column(metric, Type.GAUGE, 1, help);
    }

    private static Column counter(String metric, double factor, String help) {
        return new Column(metric, Type.COUNTER, factor, help);
    }

    private static Map<String, Column> columns(Object... pairs) {
        Map<String, Column> columns = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            columns.put((String) pairs[i], (Column) pairs[i + 1]);
        }
        return columns;
    }
}
