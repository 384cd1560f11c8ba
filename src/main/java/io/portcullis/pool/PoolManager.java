package io.portcullis.pool;

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
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static io.portcullis.config.RuntimeSettings.SERVER_CONNECT_TIMEOUT;

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

    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
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
            pools.values().forEach(p -> p.maintain(now));
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
        return config.database(database).filter(db -> !db.disabled()).map(db -> pools.computeIfAbsent(database, name -> {
            Pool pool = new Pool(vertx, this::client, liveSettings, connectionIds, db, passwordOf(db), observer());
            hold(pool.administration(), PoolHold.NONE, config.hold(name));
            return pool;
        }));
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

    /** What an administrator may order the pool of a configured database (created on first use). */
    public Optional<PoolAdministration> administration(String database) {
        return pool(database).map(Pool::administration);
    }

    /** The administrator's side of the pools created so far (a database without one has nothing to resume). */
    public List<PoolAdministration> administrations() {
        return pools.values().stream().map(Pool::administration).toList();
    }

    /** What the pools created so far show (a database gets its pool with its first client), for reports. */
    public List<PoolView> views() {
        return pools.values().stream().map(Pool::view).toList();
    }

    public List<PoolStats> stats() {
        return pools.values().stream().map(p -> p.view().stats()).toList();
    }

    void onConfigChanged(@Observes(notifyObserver = Reception.IF_EXISTS) ConfigChanged change) {
        for (Map.Entry<String, Pool> entry : pools.entrySet()) {
            String name = entry.getKey();
            if (change.after().databases().containsKey(name)) {
                hold(entry.getValue().administration(), change.before().hold(name), change.after().hold(name));
            }
            DatabaseConfig now = change.after().databases().get(entry.getKey());
            if (now == null || now.disabled()) {
                pools.remove(entry.getKey());
                entry.getValue().remove();
            } else if (!now.equals(change.before().databases().get(entry.getKey()))) {
                entry.getValue().reconfigure(now, passwordOf(now));
            }
        }
    }

    private Supplier<String> passwordOf(DatabaseConfig db) {
        String sealed = db.sealedPassword();
        SecretBinding binding = SecretBinding.backendPassword(db);
        return () -> sealed == null || sealed.isEmpty() ? null : secrets.open(sealed, binding);
    }
}
