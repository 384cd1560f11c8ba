package io.portcullis.observe;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.portcullis.net.ClientStream;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.portcullis.config.ConfigChanged;
import io.portcullis.config.ConfigStore;
import io.portcullis.pool.DatabaseTraffic;
import io.portcullis.pool.PoolObserver;
import io.portcullis.pool.PoolStats;
import io.portcullis.pool.TrafficSnapshot;
import io.portcullis.proxy.GatewayEvents;
import io.portcullis.tls.TlsAdministration;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus meters (served at {@code /q/metrics}). Per-database meters live in a
 * {@link DatabaseMeters} handed to each pool when it is created and removed when the database is
 * deleted; process-wide ones (TLS handshakes, authentication failures, cancel requests, certificate
 * expiry, configuration version) live here.
 *
 * <p>Label values come from small fixed sets (TLS protocol, outcome, failure reason) or from the
 * operator's database names; never from client addresses, user names or SQL.
 */
@Startup
@ApplicationScoped
public class GatewayMetrics implements PoolObserver, GatewayEvents {

    static final String OUTCOME_SUCCESS = "success";
    static final String OUTCOME_FAILURE = "failure";

    /** Bucket bounds for TLS handshakes: a local handshake takes about a millisecond, the default timeout is 10 s. */
    private static final Duration[] HANDSHAKE_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(10)};

    @Inject
    MeterRegistry registry;
    @Inject
    BackendReachability reachability;
    @Inject
    TlsAdministration tls;
    @Inject
    ConfigStore store;

    private final Map<String, DatabaseMeters> databases = new ConcurrentHashMap<>();
    /** Per TLS protocol: [success, failure]. A handful of protocols, so the map stays tiny. */
    private final Map<String, Counter[]> handshakes = new ConcurrentHashMap<>();
    /** By route: at most the three of {@link GatewayEvents}. */
    private final Map<String, Counter> serverNameRoutes = new ConcurrentHashMap<>();
    private final Map<String, Counter> authenticationFailures = new ConcurrentHashMap<>();
    private Timer handshakeTime;
    private final Map<String, Counter> refusedConnections = new ConcurrentHashMap<>();
    private final Map<ClientStream.Transport, Counter> clientConnections = new ConcurrentHashMap<>();
    private Timer loginThrottleWait;
    private Counter cancelsForwarded;
    private Counter cancelsIgnored;

    /**
     * Takes our meters out of the registry when the application stops. Their functions read beans of
     * this application; a registry that outlives it (tests restart the application in one JVM) would
     * otherwise keep answering NaN from the stopped one, and refuse the new registrations.
     */
    @PreDestroy
    void removeMeters() {
        List.copyOf(registry.getMeters()).stream()
                .filter(m -> m.getId().getName().startsWith("portcullis."))
                .forEach(registry::remove);
    }

    @PostConstruct
    void init() {
        handshakeTime = Timer.builder("portcullis.tls.handshake")
                .description("TLS handshake time, from SSLRequest or ClientHello to the end of the handshake")
                .serviceLevelObjectives(HANDSHAKE_BUCKETS)
                .register(registry);
        loginThrottleWait = Timer.builder("portcullis.auth.throttle.wait")
                .description("How long logins waited for the login throttle before their password was checked "
                        + "(every checked login, right or wrong; zero without back-off)")
                .register(registry);
        cancelsForwarded = cancelCounter("forwarded");
        cancelsIgnored = cancelCounter("ignored");
        Gauge.builder("portcullis.tls.certificate.not_after", tls,
                        t -> t.material().leaf().getNotAfter().getTime() / 1000.0)
                .baseUnit("seconds").strongReference(true)
                .description("Expiry of the served certificate, Unix time")
                .register(registry);
        Gauge.builder("portcullis.config.version", store, s -> s.current().version()).strongReference(true)
                .description("Version of the configuration in use")
                .register(registry);
    }

    @Override
    public DatabaseTraffic database(String database, Supplier<PoolStats> stats, Supplier<TrafficSnapshot> totals) {
        DatabaseMeters meters = new DatabaseMeters(registry, database, stats, totals, reachability);
        DatabaseMeters previous = databases.put(database, meters);
        if (previous != null) {
            previous.remove(registry);
            // Micrometer handed back the old meters for the same ids; drop them and register afresh.
            meters = new DatabaseMeters(registry, database, stats, totals, reachability);
            databases.put(database, meters);
        }
        return meters;
    }

    void onConfigChanged(@Observes(notifyObserver = Reception.IF_EXISTS) ConfigChanged change) {
        for (String name : databases.keySet()) {
            if (!change.after().databases().containsKey(name)) {
                DatabaseMeters gone = databases.remove(name);
                if (gone != null) {
                    gone.remove(registry);
                }
            }
        }
    }

    @Override
    public void tlsHandshake(String protocol, boolean succeeded, long nanos) {
        Counter[] pair = handshakes.computeIfAbsent(protocol, p -> new Counter[]{
                handshakeCounter(p, OUTCOME_SUCCESS), handshakeCounter(p, OUTCOME_FAILURE)});
        pair[succeeded ? 0 : 1].increment();
        handshakeTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void serverNameRoute(String route) {
        serverNameRoutes.computeIfAbsent(route, r -> Counter.builder("portcullis.client.sni")
                .tag("route", r)
                .description("TLS clients' startup packets by how their server name (SNI) routed them: database (a "
                        + "database lists the name), unlisted (routed by database name), none (no name sent)")
                .register(registry)).increment();
    }

    @Override
    public void authenticationFailed(String reason) {
        authenticationFailures.computeIfAbsent(reason, r -> Counter.builder("portcullis.auth.failures")
                .tag("reason", r)
                .description("Client password exchanges that failed, by reason (bad_credentials: unknown user or wrong password alike)")
                .register(registry)).increment();
    }

    @Override
    public void loginThrottled(Duration waited) {
        loginThrottleWait.record(waited);
    }

    @Override
    public void clientConnected(ClientStream.Transport transport) {
        clientConnections.computeIfAbsent(transport, t -> Counter.builder("portcullis.client.connections")
                .tag("transport", t.label())
                .description("Client connections accepted, by what carries them: tcp (the wire port) or websocket "
                        + "(GET /v2 on the HTTP port)")
                .register(registry)).increment();
    }

    @Override
    public void connectionRefused(String reason) {
        refusedConnections.computeIfAbsent(reason, r -> Counter.builder("portcullis.connections.refused")
                .tag("reason", r)
                .description("Client connections refused before their startup packet, by reason")
                .register(registry)).increment();
    }

    @Override
    public void cancelRequest(boolean forwarded) {
        (forwarded ? cancelsForwarded : cancelsIgnored).increment();
    }

    private Counter handshakeCounter(String protocol, String outcome) {
        return Counter.builder("portcullis.tls.handshakes")
                .tag("protocol", protocol)
                .tag("outcome", outcome)
                .description("Client TLS handshakes by negotiated protocol and outcome")
                .register(registry);
    }

    private Counter cancelCounter(String outcome) {
        return Counter.builder("portcullis.cancel.requests")
                .tag("outcome", outcome)
                .description("CancelRequests: forwarded to a backend, or ignored (no session with that key)")
                .register(registry);
    }
}
