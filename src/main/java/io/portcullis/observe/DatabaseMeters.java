package io.portcullis.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.portcullis.pool.DatabaseTraffic;
import io.portcullis.pool.PoolStats;
import io.portcullis.pool.TrafficSnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The meters of one database, resolved once when its pool is created and held by the pool, so that
 * the wire path increments a counter it already has. Gauges read the pool's {@link PoolStats} at
 * scrape time, named after PgBouncer's {@code SHOW POOLS} columns. The only label is the database
 * name (chosen by the operator, few): never a client address, user-supplied text or SQL.
 */
final class DatabaseMeters implements DatabaseTraffic {

    static final String TAG_DATABASE = "database";

    /** Bucket bounds for the client wait histogram: sub-millisecond hand-outs up to the 120 s query wait timeout. */
    private static final Duration[] WAIT_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(120)};

    /**
     * Bucket bounds for request and transaction durations: sub-millisecond point queries up to the
     * minutes a long report or an open transaction can take.
     */
    private static final Duration[] DURATION_BUCKETS = {
            Duration.ofNanos(250_000), Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofSeconds(600)};

    private final String database;
    private final BackendReachability reachability;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter serversOpened;
    private final Counter serversClosed;
    private final Counter serverLoginFailures;
    private final Counter logins;
    private final Timer clientWait;
    private final Timer queryDuration;
    private final Timer transactionDuration;

    /**
     * @param totals the pool's running totals: counts bumped per request or per forwarded chunk are read from
     *               there at scrape time rather than counted again (a Micrometer Counter behind Quarkus's
     *               composite registry would also walk its child registries on every increment)
     */
    DatabaseMeters(MeterRegistry registry, String database, Supplier<PoolStats> stats, Supplier<TrafficSnapshot> totals,
                   BackendReachability reachability) {
        this.database = database;
        this.reachability = reachability;
        Tags tags = Tags.of(TAG_DATABASE, database);
        totalCounter(registry, "portcullis.queries", totals, TrafficSnapshot::queries, null, tags,
                "Requests that earn a ReadyForQuery: simple Query messages plus extended-protocol Syncs");
        totalCounter(registry, "portcullis.transactions", totals, TrafficSnapshot::transactions, null, tags,
                "Transactions ended (ReadyForQuery idle), autocommit statements included");
        totalCounter(registry, "portcullis.client.received", totals, TrafficSnapshot::bytesReceived, "bytes", tags,
                "Bytes received from clients");
        totalCounter(registry, "portcullis.client.sent", totals, TrafficSnapshot::bytesSent, "bytes", tags,
                "Bytes sent to clients");
        serversOpened = counter(registry, "portcullis.server.connections.opened", null, tags,
                "Server connections opened and logged in");
        serversClosed = counter(registry, "portcullis.server.connections.closed", null, tags,
                "Server connections closed");
        serverLoginFailures = counter(registry, "portcullis.server.login.failures", null, tags,
                "Backend connects or logins that failed");
        logins = counter(registry, "portcullis.client.logins", null, tags,
                "Client logins that got a server connection");
        clientWait = add(Timer.builder("portcullis.client.wait").tags(tags)
                .description("Time a client waited for a server connection")
                .serviceLevelObjectives(WAIT_BUCKETS)
                .register(registry));
        queryDuration = add(Timer.builder("portcullis.query.duration").tags(tags)
                .description("Time from a request (Query or Sync) going to the backend to its ReadyForQuery reaching the client")
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry));
        transactionDuration = add(Timer.builder("portcullis.transaction.duration").tags(tags)
                .description("Time from the first request of a transaction to the ReadyForQuery idle that ends it")
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry));
        gauge(registry, "portcullis.pool.cl_active", stats, tags, s -> s.lent(), "Clients paired with a server connection");
        gauge(registry, "portcullis.pool.cl_waiting", stats, tags, s -> s.waiting(), "Clients waiting for a server connection");
        gauge(registry, "portcullis.pool.sv_active", stats, tags, s -> s.lent(), "Server connections lent to a client");
        gauge(registry, "portcullis.pool.sv_idle", stats, tags, s -> s.idle(), "Server connections idle in the pool");
        gauge(registry, "portcullis.pool.sv_used", stats, tags, s -> s.resetting(),
                "Server connections returned and being reset before reuse");
        gauge(registry, "portcullis.pool.sv_login", stats, tags, s -> s.loggingIn(),
                "Server connections connecting or logging in");
        gauge(registry, "portcullis.pool.size", stats, tags, s -> s.poolSize(), "Configured pool size");
        add(Gauge.builder("portcullis.pool.maxwait", stats, s -> s.get().oldestWaitNanos() / 1e9)
                .tags(tags).baseUnit("seconds").strongReference(true)
                .description("How long the oldest waiting client has waited").register(registry));
    }

    /** Takes every meter of this database out of the registry: its name disappears from the scrape. */
    void remove(MeterRegistry registry) {
        meters.forEach(registry::remove);
    }

    @Override
    public void serverOpened() {
        serversOpened.increment();
        reachability.succeeded(database);
    }

    @Override
    public void serverClosed() {
        serversClosed.increment();
    }

    @Override
    public void serverLoginFailed(String why) {
        serverLoginFailures.increment();
        reachability.failed(database, why);
    }

    @Override
    public void clientWaited(long nanos) {
        clientWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void clientLoggedIn() {
        logins.increment();
    }

    @Override
    public void queryDuration(long nanos) {
        queryDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void transactionDuration(long nanos) {
        transactionDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    private void totalCounter(MeterRegistry registry, String name, Supplier<TrafficSnapshot> totals,
                              ToLongFunction<TrafficSnapshot> column, String unit, Tags tags, String description) {
        add(FunctionCounter.builder(name, totals, t -> column.applyAsLong(t.get())).tags(tags).baseUnit(unit)
                .description(description).register(registry));
    }

    private Counter counter(MeterRegistry registry, String name, String unit, Tags tags, String description) {
        return add(Counter.builder(name).tags(tags).baseUnit(unit).description(description).register(registry));
    }

    private void gauge(MeterRegistry registry, String name, Supplier<PoolStats> stats, Tags tags,
                       ToDoubleFunction<PoolStats> column, String description) {
        add(Gauge.builder(name, stats, s -> column.applyAsDouble(s.get())).tags(tags).strongReference(true)
                .description(description).register(registry));
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }
}
