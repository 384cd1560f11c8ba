package io.portcullis.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.cluster.ReplicaRegistry;
import io.portcullis.config.ConfigStore;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's meters: {@code portcullis_config_version_applied} (the configuration version this replica has
 * applied; compare across replicas to find one that is stuck), {@code portcullis_config_store_up} (1 while the
 * configuration store and the replica registry both reach it; always 1 with the file store) and
 * {@code portcullis_replicas} (live replicas in the registry, this one included, as of the last heartbeat).
 * Each reads a snapshot: scraping never touches the store.
 */
@Startup
@ApplicationScoped
public class ClusterMetrics {

    @Inject
    MeterRegistry registry;
    @Inject
    ReplicaRegistry replicas;
    @Inject
    ConfigStore store;

    private final List<Meter> meters = new ArrayList<>();

    @PostConstruct
    void init() {
        meters.add(Gauge.builder("portcullis.config.version.applied", replicas, ReplicaRegistry::appliedVersion)
                .strongReference(true)
                .description("Newest configuration version this replica has applied")
                .register(registry));
        meters.add(Gauge.builder("portcullis.config.store.up", this, m -> m.storeUp() ? 1 : 0)
                .strongReference(true)
                .description("1 while this replica reaches the configuration store, 0 while it serves its last "
                        + "configuration without it")
                .register(registry));
        meters.add(Gauge.builder("portcullis.replicas", replicas, ReplicaRegistry::liveCount)
                .strongReference(true)
                .description("Live replicas sharing the configuration store, this one included")
                .register(registry));
    }

    private boolean storeUp() {
        return store.problem().isEmpty() && replicas.storeReachable();
    }

    @PreDestroy
    void remove() {
        meters.forEach(registry::remove);
    }
}
