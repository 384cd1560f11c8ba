package io.portcullis.admin;

import io.portcullis.pool.PoolView;
import io.portcullis.pool.PoolManager;
import io.portcullis.pool.TrafficSnapshot;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The averages of {@code SHOW STATS}: every {@code portcullis.admin.stats-period} the totals of each
 * pool are sampled; the averages compare the last two samples, as PgBouncer's {@code stats_period}
 * does. Sampling reads a few counters per pool on an event loop timer: nothing blocks.
 */
@Startup
@ApplicationScoped
public class StatsPeriods {

    @Inject
    Vertx vertx;
    @Inject
    PoolManager pools;
    @Inject
    AdminSettings settings;

    /** Per database: the sample before last and the last one. */
    private final Map<String, Sample[]> samples = new ConcurrentHashMap<>();
    private volatile long lastTickNanos;
    private long timer = -1;

    private record Sample(long nanos, TrafficSnapshot totals) {
    }

    @PostConstruct
    void start() {
        lastTickNanos = System.nanoTime();
        timer = vertx.setPeriodic(Math.max(1, settings.statsPeriod().toMillis()), t -> tick());
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(timer);
    }

    /** Takes a sample of every pool; a pool seen for the first time is compared with zero at the last tick. */
    void tick() {
        long now = System.nanoTime();
        long previousTick = lastTickNanos;
        Set<String> seen = new HashSet<>();
        for (PoolView pool : pools.views()) {
            seen.add(pool.database());
            Sample latest = new Sample(now, pool.totals());
            samples.compute(pool.database(), (name, pair) -> new Sample[]{
                    pair == null ? new Sample(previousTick, TrafficSnapshot.ZERO) : pair[1], latest});
        }
        samples.keySet().retainAll(seen);
        lastTickNanos = now;
    }

    /** Averages over the last complete period, zero before the first one ends. */
    StatsReport.Averages averages(String database) {
        Sample[] pair = samples.get(database);
        if (pair == null) {
            return StatsReport.Averages.ZERO;
        }
        return StatsReport.Averages.over(pair[1].totals().minus(pair[0].totals()), pair[1].nanos() - pair[0].nanos());
    }
}
