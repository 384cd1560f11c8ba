package io.portcullis.admin;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.pool.PoolView;
import io.portcullis.pool.PoolManager;
import io.portcullis.pool.PoolStats;
import io.portcullis.pool.ServerInfo;
import io.portcullis.proxy.ClientInfo;
import io.portcullis.proxy.SessionControl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the admin console and the REST API show, gathered from the pools and the live sessions. Each
 * call takes a fresh snapshot: the pools' locks briefly, the sessions' published fields without
 * stopping them, so a report may be a moment old but never blocks the wire path.
 */
@ApplicationScoped
public class AdminReports {

    private static final double NANOS_PER_SECOND = 1e9;

    private final PoolManager pools;
    private final SessionControl sessions;
    private final ConfigStore store;
    private final StatsPeriods periods;

    @Inject
    public AdminReports(PoolManager pools, SessionControl sessions, ConfigStore store, StatsPeriods periods) {
        this.pools = pools;
        this.sessions = sessions;
        this.store = store;
        this.periods = periods;
    }

    /** Every live client session, console sessions included, by id. */
    public List<ClientInfo> clients() {
        return sessions.clients();
    }

    /** The pools created so far (a database gets one with its first client), by database. */
    public List<PoolReport> pools() {
        return pools(clients());
    }

    List<PoolReport> pools(List<ClientInfo> clients) {
        List<PoolView> views = sortedPools();
        // A session of a user looked up in the backend counts in that user's pool, any other in its database's.
        Set<String> passingThrough = new HashSet<>();
        views.stream().filter(PoolView::passesThrough).forEach(v -> passingThrough.add(poolKey(v.database(), v.user())));
        Map<String, int[]> clientCounts = new HashMap<>();
        for (ClientInfo c : clients) {
            if (c.console() || c.database() == null) {
                continue;
            }
            String key = poolKey(c.database(), c.user());
            int[] counts = clientCounts.computeIfAbsent(passingThrough.contains(key) ? key : c.database(),
                    d -> new int[2]);
            if (ClientInfo.WAITING.equals(c.state())) {
                counts[1]++;
            } else if (ClientInfo.ACTIVE.equals(c.state()) || ClientInfo.IDLE.equals(c.state())) {
                counts[0]++;
            }
        }
        List<PoolReport> rows = new ArrayList<>();
        for (PoolView pool : views) {
            Optional<DatabaseConfig> db = store.current().database(pool.database());
            if (db.isEmpty()) {
                continue; // deleted a moment ago
            }
            PoolStats stats = pool.stats();
            String user = pool.user();
            int[] counts = clientCounts.getOrDefault(pool.passesThrough() ? poolKey(pool.database(), user)
                    : Objects.equals(user, db.get().user()) ? pool.database() : "", new int[2]);
            rows.add(new PoolReport(pool.database(), user, poolMode(db.get()), stats.poolSize(),
                    counts[0], counts[1], stats.lent(), stats.idle(), stats.resetting(), stats.loggingIn(),
                    stats.oldestWaitNanos() / NANOS_PER_SECOND, pool.paused(), pool.disabled()));
        }
        return rows;
    }

    /** Every open server connection, by database and id, with the client it is lent to. */
    public List<ServerReport> servers() {
        return servers(clients());
    }

    List<ServerReport> servers(List<ClientInfo> clients) {
        Map<Long, Integer> holders = new HashMap<>();
        for (ClientInfo c : clients) {
            if (c.serverId() >= 0) {
                holders.put(c.serverId(), c.id());
            }
        }
        List<ServerReport> rows = new ArrayList<>();
        for (PoolView pool : sortedPools()) {
            List<ServerInfo> servers = new ArrayList<>(pool.servers());
            servers.sort(Comparator.comparingLong(ServerInfo::id));
            for (ServerInfo s : servers) {
                rows.add(ServerReport.of(s, holders.getOrDefault(s.id(), -1)));
            }
        }
        return rows;
    }

    private static String poolKey(String database, String user) {
        return database + '\u0000' + user;
    }

    /** Totals and averages per database with a pool (the pools of one database share its totals). */
    public List<StatsReport> stats() {
        List<StatsReport> rows = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (PoolView pool : sortedPools()) {
            if (!seen.add(pool.database())) {
                continue;
            }
            rows.add(new StatsReport(pool.database(), StatsReport.Totals.of(pool.totals()),
                    periods.averages(pool.database())));
        }
        return rows;
    }

    /** The pools created so far, by database name, then user. */
    List<PoolView> sortedPools() {
        List<PoolView> list = new ArrayList<>(pools.views());
        list.sort(Comparator.comparing(PoolView::database).thenComparing(PoolView::user,
                Comparator.nullsFirst(Comparator.naturalOrder())));
        return list;
    }

    static String poolMode(DatabaseConfig db) {
        return (db.poolMode() == null ? PoolMode.SESSION : db.poolMode()).wireName();
    }
}
