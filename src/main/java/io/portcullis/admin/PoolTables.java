package io.portcullis.admin;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.UserConfig;
import io.portcullis.pool.PoolView;
import io.portcullis.pool.PoolStats;
import io.portcullis.proxy.ClientInfo;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.portcullis.wire.FieldDescription.int4;
import static io.portcullis.wire.FieldDescription.text;

/**
 * {@code SHOW POOLS}, {@code SHOW DATABASES}, {@code SHOW USERS} and {@code SHOW LISTS} with PgBouncer
 * 1.25's columns. Columns for features Portcullis does not have (cancel-request queues, load-balanced
 * hosts, per-user overrides, peer pools, DNS cache) are there with 0 or NULL, so tools that read them by
 * name or position keep working.
 */
final class PoolTables {

    private static final long MICROS_PER_SECOND = 1_000_000L;

    private PoolTables() {
    }

    static ResultTable pools(List<PoolReport> pools) {
        ResultTable table = new ResultTable(text("database"), text("user"), int4("cl_active"), int4("cl_waiting"),
                int4("cl_active_cancel_req"), int4("cl_waiting_cancel_req"), int4("sv_active"),
                int4("sv_active_cancel"), int4("sv_being_canceled"), int4("sv_idle"), int4("sv_used"),
                int4("sv_tested"), int4("sv_login"), int4("maxwait"), int4("maxwait_us"), text("pool_mode"),
                text("load_balance_hosts"));
        for (PoolReport p : pools) {
            long waitMicros = Math.round(p.maxWaitSeconds() * MICROS_PER_SECOND);
            table.row(p.database(), p.user(), p.clActive(), p.clWaiting(), 0, 0, p.svActive(), 0, 0, p.svIdle(),
                    p.svUsed(), 0, p.svLogin(), (int) (waitMicros / MICROS_PER_SECOND),
                    (int) (waitMicros % MICROS_PER_SECOND), p.poolMode(), null);
        }
        return table;
    }

    static ResultTable databases(GatewayConfig config, List<PoolView> pools, List<ClientInfo> clients,
                                 Duration serverLifetime) {
        ResultTable table = new ResultTable(text("name"), text("host"), int4("port"), text("database"),
                text("force_user"), int4("pool_size"), int4("min_pool_size"), int4("reserve_pool_size"),
                int4("server_lifetime"), text("pool_mode"), text("load_balance_hosts"), int4("max_connections"),
                int4("current_connections"), int4("max_client_connections"), int4("current_client_connections"),
                int4("paused"), int4("disabled"));
        Map<String, PoolView> byName = pools.stream().collect(Collectors.toMap(PoolView::database, Function.identity()));
        Map<String, Integer> clientCounts = countBy(clients, ClientInfo::database);
        List<DatabaseConfig> dbs = config.databases().values().stream()
                .sorted(Comparator.comparing(DatabaseConfig::name)).toList();
        for (DatabaseConfig db : dbs) {
            PoolView pool = byName.get(db.name());
            PoolStats stats = pool == null ? null : pool.stats();
            table.row(db.name(), shownHost(db), db.port(), db.dbname() == null ? db.name() : db.dbname(), db.user(),
                    db.poolSize(), db.minPoolSize(), db.reservePoolSize(), (int) serverLifetime.toSeconds(),
                    AdminReports.poolMode(db), db.hasHostList() ? db.loadBalanceHosts().wireName() : null,
                    db.maxDbConnections(), stats == null ? 0 : stats.open(), 0,
                    clientCounts.getOrDefault(db.name(), 0), pool != null && pool.paused(),
                    db.disabled() || pool != null && pool.disabled());
        }
        return table;
    }

    /**
     * SHOW DATABASES' host: the host, or for a host list the hosts comma-separated as PgBouncer 1.24 shows them
     * ({@code port} then being the first host's); when the ports differ, each entry with its port.
     */
    private static String shownHost(DatabaseConfig db) {
        if (!db.hasHostList()) {
            return db.host();
        }
        java.util.List<io.portcullis.config.BackendHost> hosts = db.backendHosts();
        boolean onePort = hosts.stream().allMatch(h -> h.port() == db.port());
        return hosts.stream().map(h -> onePort ? h.host() : h.toString()).collect(Collectors.joining(","));
    }

    static ResultTable users(GatewayConfig config, List<ClientInfo> clients) {
        ResultTable table = new ResultTable(text("name"), text("pool_size"), text("reserve_pool_size"),
                text("pool_mode"), int4("max_user_connections"), int4("current_connections"),
                int4("max_user_client_connections"), int4("current_client_connections"));
        Map<String, Integer> sessions = countBy(clients, ClientInfo::user);
        Map<String, Integer> servers = countBy(clients.stream().filter(c -> c.serverId() >= 0).toList(), ClientInfo::user);
        List<UserConfig> users = config.users().values().stream().sorted(Comparator.comparing(UserConfig::name)).toList();
        for (UserConfig user : users) {
            // The user's own pool mode and limits (PgBouncer's per-user settings); none set: empty and 0.
            table.row(user.name(), null, null, user.poolMode() == null ? null : user.poolMode().wireName(),
                    user.maxUserConnections(), servers.getOrDefault(user.name(), 0), user.maxClientConnections(),
                    sessions.getOrDefault(user.name(), 0));
        }
        return table;
    }

    /** @param peers the live replicas {@code SHOW PEERS} lists */
    static ResultTable lists(GatewayConfig config, List<PoolView> pools, List<ClientInfo> clients, int peers) {
        int servers = pools.stream().mapToInt(p -> p.stats().open()).sum();
        long loggingIn = clients.stream().filter(c -> ClientInfo.LOGIN.equals(c.state())).count();
        return new ResultTable(text("list"), int4("items"))
                .row("databases", config.databases().size())
                .row("users", config.users().size())
                .row("peers", peers)
                .row("pools", pools.size())
                .row("peer_pools", 0)
                .row("free_clients", 0)
                .row("used_clients", clients.size())
                .row("login_clients", (int) loggingIn)
                .row("free_servers", 0)
                .row("used_servers", servers)
                .row("dns_names", 0)
                .row("dns_zones", 0)
                .row("dns_queries", 0)
                .row("dns_pending", 0);
    }

    private static Map<String, Integer> countBy(List<ClientInfo> clients, Function<ClientInfo, String> key) {
        Map<String, Integer> counts = new HashMap<>();
        for (ClientInfo c : clients) {
            String k = key.apply(c);
            if (k != null && !c.console()) {
                counts.merge(k, 1, Integer::sum);
            }
        }
        return counts;
    }
}
