package io.portcullis.cluster;

import io.portcullis.config.PostgresConnector;
import io.portcullis.config.ConfigChanged;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.PostgresStoreSettings;
import io.portcullis.config.SettingNames;
import io.portcullis.log.LogText;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The replicas of this gateway, this one included: each one's name, peer id, peer address, software version,
 * applied configuration version, start, last heartbeat and readiness. With {@code portcullis.config.store=postgresql}
 * the replicas sharing the store find each other in its {@code <table>_replicas} table; with the file store the
 * registry lists this process only and writes nothing.
 *
 * <p>"Applied" means every observer of the {@link ConfigChanged} event (pools, TLS, users) has run: this bean
 * observes it last. The version loaded at startup counts as applied.
 *
 * <p>{@link #replicas()} never blocks (the console on an event loop, the metrics); {@link #refresh()} reads the
 * store (API worker threads). On a graceful stop the replica deletes its row; a replica killed outright leaves it
 * to expire ({@value ReplicaTable#MISSED_HEARTBEATS} missed heartbeats: shown as not live) and to be deleted after
 * {@code portcullis.cluster.forget-after}.
 */
@Startup
@ApplicationScoped
public class ReplicaRegistry {

    private static final Logger LOG = Logger.getLogger(ReplicaRegistry.class);
    static final String FALLBACK_NAME = "portcullis";
    /** Longest name kept: names are shown in tables and logs, and may come from the environment. */
    static final int MAX_NAME_LENGTH = 200;
    static final Duration MIN_HEARTBEAT = Duration.ofMillis(100);
    static final Duration MAX_HEARTBEAT = Duration.ofMinutes(10);

    @Inject
    ConfigStore store;
    @Inject
    ReplicaSettings replica;
    @Inject
    ClusterSettings cluster;
    @Inject
    Instance<ReplicaReadiness> readiness;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String softwareVersion;
    @ConfigProperty(name = SettingNames.CONFIG_STORE, defaultValue = SettingNames.STORE_FILE)
    String storeKind;
    /** False while a command runs (import-pgbouncer, copy-store): a command is no replica and registers nowhere. */
    @ConfigProperty(name = "portcullis.listen.enabled", defaultValue = "true")
    boolean serving;
    @Inject
    Config config;

    private ReplicaDirectory directory;

    @PostConstruct
    void start() {
        Duration interval = cluster.heartbeatInterval();
        validate(interval, cluster.forgetAfter());
        String name = name(replica.name());
        BooleanSupplier ready = readiness.isResolvable() ? () -> readiness.get().ready() : () -> true;
        long loaded = store.current().version();
        if (serving && SettingNames.STORE_POSTGRESQL.equals(storeKind.strip().toLowerCase(Locale.ROOT))) {
            // The same settings the store was made from; the store validated them already.
            PostgresStoreSettings settings = PostgresStoreSettings.from(config);
            PostgresReplicaDirectory shared = new PostgresReplicaDirectory(new PostgresConnector(settings, PostgresConnector.REGISTRY_APPLICATION_NAME),
                    settings.table(), name, softwareVersion, loaded, interval, cluster.forgetAfter(), ready);
            shared.start();
            directory = shared;
        } else {
            directory = new LocalReplicaDirectory(name, softwareVersion, loaded, ready);
            LOG.debugf("Replica %s: the file store has no other replicas", LogText.quote(name));
        }
    }

    /** @throws ConfigException naming the setting when the heartbeat interval or the forget-after bound is out of range */
    static void validate(Duration interval, Duration forgetAfter) {
        if (interval.compareTo(MIN_HEARTBEAT) < 0 || interval.compareTo(MAX_HEARTBEAT) > 0) {
            throw new ConfigException("portcullis.cluster.heartbeat-interval must be between " + MIN_HEARTBEAT.toMillis()
                    + "ms and " + MAX_HEARTBEAT.toMinutes() + "m, not " + interval);
        }
        if (forgetAfter.compareTo(interval.multipliedBy(ReplicaTable.MISSED_HEARTBEATS)) <= 0) {
            throw new ConfigException("portcullis.cluster.forget-after must be longer than "
                    + ReplicaTable.MISSED_HEARTBEATS + " heartbeat intervals (" + interval.multipliedBy(
                    ReplicaTable.MISSED_HEARTBEATS) + "), not " + forgetAfter);
        }
    }

    /** {@code portcullis.replica.name}, else {@code HOSTNAME}, else the host name, else {@value #FALLBACK_NAME}. */
    static String name(Optional<String> configured) {
        String name = configured.map(String::strip).filter(n -> !n.isEmpty()).orElseGet(() -> {
            String host = System.getenv("HOSTNAME");
            if (host != null && !host.isBlank()) {
                return host.strip();
            }
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException | RuntimeException e) {
                return FALLBACK_NAME;
            }
        });
        return name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) : name;
    }

    /** Last of the observers: when it runs, the version is applied everywhere in this process. */
    // IF_EXISTS: a version stored while beans are still being created is read by start() itself.
    void onConfigChanged(@Observes(notifyObserver = Reception.IF_EXISTS) @Priority(Interceptor.Priority.LIBRARY_AFTER + 1000)
                         ConfigChanged change) {
        directory.applied(change.after().version());
    }

    @PreDestroy
    void stop() {
        directory.close();
    }

    /** Every registered replica as last read (at most one heartbeat interval ago), this one included; never blocks. */
    public List<Replica> replicas() {
        return directory.replicas();
    }

    /** Every registered replica read from the store now; the last snapshot when the store cannot answer. Blocks. */
    public List<Replica> refresh() {
        return directory.refresh();
    }

    /** This replica. */
    public Replica self() {
        return directory.self();
    }

    /** The live replicas as last read. */
    public long liveCount() {
        return directory.replicas().stream().filter(Replica::live).count();
    }

    /** Whether the registry's last contact with the store succeeded (always true with the file store). */
    public boolean storeReachable() {
        return directory.reachable();
    }

    /** The newest configuration version this replica has applied, whether or not its row says so yet. */
    public long appliedVersion() {
        return directory.applied();
    }

    /** Publishes where other replicas reach this one's peer listener (host:port), or null for nowhere. */
    public void publishAddress(String hostPort) {
        directory.address(hostPort);
    }
}
