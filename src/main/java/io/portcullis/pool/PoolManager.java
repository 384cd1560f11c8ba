package io.portcullis.pool;

import io.portcullis.auth.PassthroughSecret;
import io.portcullis.config.ConfigChanged;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.PoolHold;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.LiveSettings;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.portcullis.tls.BackendTlsDefaults;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import static io.portcullis.config.RuntimeSettings.SERVER_CONNECT_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.SERVER_LOGIN_TIMEOUT;

/**
 * Owns one {@link Pool} per configured database (lending, for sessions; its {@link PoolAdministration} for
 * administrators; its {@link PoolView} for reports) and keeps them in step with the configuration:
 * a changed database reconfigures its pool, a deleted one removes it. Also runs the janitor that
 * closes server connections idle for too long.
 */
@ApplicationScoped
public class PoolManager {

    /** How often the janitor looks for idle connections to close. */
    private static final long JANITOR_PERIOD_MS = 5_000;

    @Inject
    Vertx vertx;
    @Inject
    LiveSettings liveSettings;
    @Inject
    ConfigStore store;
    @Inject
    SecretBox secrets;
    @Inject
    BackendTlsDefaults backendTls;
    @Inject
    Instance<PoolObserver> observers;

    /** Each database's pool of its own user, by database. */
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    /** The pools the user lookups ({@link DatabaseConfig#authLookup}) run on, by database. */
    private final Map<String, Pool> authPools = new ConcurrentHashMap<>();
    /** The pools of users looked up in the backend, by database and then user: one per (database, user). */
    private final Map<String, Map<String, Pool>> userPools = new ConcurrentHashMap<>();
    /** One set of traffic totals per database, shared by all its pools (SHOW STATS and metrics are per database). */
    private final Map<String, TrafficTotals> traffic = new ConcurrentHashMap<>();
    private final Map<String, DatabaseConnections> connections = new ConcurrentHashMap<>();
    private final AtomicLong connectionIds = new AtomicLong();
    private BackendClients clients;
    private UserConnectionLimits userLimits;
    private long janitor = -1;

    @PostConstruct
    void init() {
        userLimits = new UserConnectionLimits(vertx);
        clients = new BackendClients(vertx, secrets, backendTls);
        janitor = vertx.setPeriodic(JANITOR_PERIOD_MS, t -> {
            // Pools with a minimum size exist before their first client, so they can be kept warm.
            store.current().databases().values().stream()
                    .filter(db -> db.minPoolSize() > 0 && !db.disabled())
                    .forEach(db -> pool(db.name()));
            long now = System.nanoTime();
            allPools().forEach(p -> p.maintain(now));
        });
    }

    void onShutdown(@Observes ShutdownEvent event) {
        vertx.cancelTimer(janitor);
    }

    /**
     * The pool of a configured database in service (none for one {@linkplain DatabaseConfig#disabled() waiting for its
     * credentials}), created on first use, held as the stored configuration says ({@link PoolHold}:
     * paused or disabled through the API for the whole gateway, honoured by a replica that starts later too).
     */
    public Optional<Pool> pool(String database) {
        GatewayConfig config = store.current();
        return config.database(database).filter(db -> !db.disabled() && db.user() != null)
                .map(db -> pools.computeIfAbsent(database, name -> {
                    Pool pool = new Pool(vertx, this::client, liveSettings, connectionIds, db, passwordOf(db),
                            traffic(name), connections(name));
                    connections(name).join(pool);
                    hold(pool.administration(), PoolHold.NONE, config.hold(name));
                    return pool;
                }));
    }

    /**
     * The pool of {@code user}, looked up in the backend of {@code database}, that logs in as that user with
     * {@code secret} (its client's proof just gave it; a newer one replaces the pool's for its next logins). None
     * when the database no longer looks users up.
     */
    public Optional<Pool> backendUserPool(String database, String user, PassthroughSecret secret) {
        GatewayConfig config = store.current();
        return config.database(database).filter(db -> !db.disabled() && db.authLookup() != null).map(db -> {
            Pool pool = userPools.computeIfAbsent(database, d -> new ConcurrentHashMap<>()).computeIfAbsent(user, u -> {
                Pool created = new Pool(vertx, this::client, liveSettings, connectionIds, db.forBackendUser(u), secret,
                        traffic(database), connections(database));
                connections(database).join(created);
                hold(created.administration(), PoolHold.NONE, config.hold(database));
                return created;
            });
            pool.passthrough(secret);
            return pool;
        });
    }

    /** The pool the database's user lookups run on, as its {@link DatabaseConfig#authLookup} says; none without one. */
    public Optional<Pool> authPool(String database) {
        GatewayConfig config = store.current();
        return config.database(database).filter(db -> !db.disabled() && db.authLookup() != null)
                .map(db -> authPools.computeIfAbsent(database, name -> new Pool(vertx, this::client, liveSettings,
                        connectionIds, db.forAuthLookup(), passwordOf(db.forAuthLookup()), traffic(name),
                        new DatabaseConnections(vertx)))); // the gateway's own lookups: not the database's clients
    }

    /**
     * Runs the database's user lookup for {@code user} on its lookup pool; completes with the stored verifier, empty
     * when the backend has none for that user, or fails ({@link BackendUnavailable}) when the lookup could not run.
     */
    public Future<Optional<String>> lookUpUser(String database, String user) {
        Optional<DatabaseConfig> db = store.current().database(database).filter(d -> d.authLookup() != null);
        Optional<Pool> pool = authPool(database);
        if (db.isEmpty() || pool.isEmpty()) {
            return Future.failedFuture(BackendUnavailable.lookupFailed(database, "the database looks no users up"));
        }
        return AuthQuery.run(vertx, pool.get(), db.get().authLookup().query(), user,
                liveSettings.current().get(SERVER_LOGIN_TIMEOUT));
    }

    /** The database's connections across its own user's pool and its looked-up users' pools (maxDbConnections). */
    private DatabaseConnections connections(String database) {
        return connections.computeIfAbsent(database, name -> new DatabaseConnections(vertx));
    }

    private TrafficTotals traffic(String database) {
        return traffic.computeIfAbsent(database, name -> new TrafficTotals(name, observer(), () -> databaseStats(name)));
    }

    /** Every pool of {@code database}: its own user's, its lookups', its looked-up users'. */
    private List<Pool> poolsOf(String database) {
        List<Pool> all = new ArrayList<>();
        Optional.ofNullable(pools.get(database)).ifPresent(all::add);
        Optional.ofNullable(authPools.get(database)).ifPresent(all::add);
        all.addAll(userPools.getOrDefault(database, Map.of()).values());
        return all;
    }

    private List<Pool> allPools() {
        List<Pool> all = new ArrayList<>(pools.values());
        all.addAll(authPools.values());
        userPools.values().forEach(byUser -> all.addAll(byUser.values()));
        return all;
    }

    /** What a database's pools hold together, for its metrics: the pool size is its own user's pool's. */
    private PoolStats databaseStats(String database) {
        int poolSize = store.current().database(database).map(DatabaseConfig::poolSize).orElse(0);
        int open = 0;
        int idle = 0;
        int lent = 0;
        int waiting = 0;
        int resetting = 0;
        long oldestWait = 0;
        for (Pool pool : poolsOf(database)) {
            PoolStats s = pool.view().stats();
            open += s.open();
            idle += s.idle();
            lent += s.lent();
            waiting += s.waiting();
            resetting += s.resetting();
            oldestWait = Math.max(oldestWait, s.oldestWaitNanos());
        }
        return new PoolStats(database, poolSize, open, idle, lent, waiting, resetting, oldestWait);
    }

    /** Moves a pool from one stored hold to the next; a hold that did not change leaves the pool as it is. */
    private static void hold(PoolAdministration pool, PoolHold before, PoolHold after) {
        if (after.paused() && !before.paused()) {
            // Whoever paused through the API waits for the completion on its own replica; here it only starts.
            pool.pause();
        } else if (!after.paused() && before.paused()) {
            pool.resume();
        }
        if (after.disabled() != before.disabled()) {
            pool.disabled(after.disabled());
        }
    }

    /** The client for a database's connections to one of its hosts, with the current {@code serverConnectTimeout}. */
    private NetClient client(DatabaseConfig db, String host) {
        return clients.client(db, host, liveSettings.current().get(SERVER_CONNECT_TIMEOUT));
    }

    /** The per-user cap on server connections (maxUserConnections), shared by every pool. */
    public UserConnectionLimits userLimits() {
        return userLimits;
    }

    private PoolObserver observer() {
        return observers.isResolvable() ? observers.get() : PoolObserver.NONE;
    }

    /**
     * What an administrator may order the pools of a configured database: its own user's (created on first use) and
     * those of its lookups and looked-up users made so far. Empty for a database that does not exist or has no pool
     * to act on (one waiting for its credentials).
     */
    public List<PoolAdministration> administrationsOf(String database) {
        pool(database);
        authPool(database);
        return store.current().database(database).isEmpty() ? List.of()
                : poolsOf(database).stream().map(Pool::administration).toList();
    }

    /** The administrator's side of the pools created so far (a database without one has nothing to resume). */
    public List<PoolAdministration> administrations() {
        return allPools().stream().map(Pool::administration).toList();
    }

    /** What the pools created so far show (a database gets its pool with its first client), for reports. */
    public List<PoolView> views() {
        return allPools().stream().map(Pool::view).toList();
    }

    public List<PoolStats> stats() {
        return allPools().stream().map(p -> p.view().stats()).toList();
    }

    void onConfigChanged(@Observes(notifyObserver = Reception.IF_EXISTS) ConfigChanged change) {
        pools.entrySet().removeIf(e -> !follow(e.getValue(), e.getKey(), change, db -> db.user() == null ? null : db));
        authPools.entrySet().removeIf(e -> !follow(e.getValue(), e.getKey(), change,
                db -> db.authLookup() == null ? null : db.forAuthLookup()));
        userPools.forEach((database, byUser) -> {
            // What a looked-up user's client proved only goes where it was proved: another backend, database or lookup
            // ends the user's pool, and its next client proves itself again there.
            boolean elsewhere = movedLookup(change.before().databases().get(database),
                    change.after().databases().get(database));
            byUser.entrySet().removeIf(e -> !follow(e.getValue(), database, change,
                    db -> db.authLookup() == null || elsewhere ? null : db.forBackendUser(e.getKey())));
        });
        userPools.values().removeIf(Map::isEmpty);
        traffic.keySet().removeIf(name -> !change.after().databases().containsKey(name));
        connections.keySet().removeIf(name -> !change.after().databases().containsKey(name));
    }

    /**
     * Keeps one pool of {@code database} in step with a change: held as stored, removed when the database is gone,
     * waits for its credentials, or no longer has this kind of pool ({@code form} gives null), reconfigured when it
     * changed.
     *
     * @param form what the pool connects as, made of the database's definition; null when it has no such pool
     * @return whether the pool stays
     */
    private boolean follow(Pool pool, String database, ConfigChanged change,
                           Function<DatabaseConfig, DatabaseConfig> form) {
        holdAsStored(pool, database, change);
        DatabaseConfig now = change.after().databases().get(database);
        DatabaseConfig connectsAs = now == null || now.disabled() ? null : form.apply(now);
        if (connectsAs == null) {
            pool.remove();
            return false;
        }
        if (!now.equals(change.before().databases().get(database))) {
            pool.reconfigure(connectsAs, passwordOf(connectsAs));
        }
        return true;
    }

    /** Whether a database's looked-up users would now reach another backend or database, or be looked up otherwise. */
    private static boolean movedLookup(DatabaseConfig before, DatabaseConfig now) {
        return before != null && now != null && (!before.sameAddress(now) || !before.dbname().equals(now.dbname())
                || !java.util.Objects.equals(before.authLookup(), now.authLookup()));
    }

    private static void holdAsStored(Pool pool, String database, ConfigChanged change) {
        if (change.after().databases().containsKey(database)) {
            hold(pool.administration(), change.before().hold(database), change.after().hold(database));
        }
    }

    private Supplier<String> passwordOf(DatabaseConfig db) {
        String sealed = db.sealedPassword();
        SecretBinding binding = SecretBinding.backendPassword(db);
        return () -> sealed == null || sealed.isEmpty() ? null : secrets.open(sealed, binding);
    }
}
