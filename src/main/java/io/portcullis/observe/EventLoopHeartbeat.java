package io.portcullis.observe;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A periodic task on every Vert.x event loop stamps the time it ran. A loop that is wedged (a
 * blocking call, an endless loop) stops stamping; {@link EventLoopLivenessCheck} sees the stamp age.
 * Scheduled on the Netty executors themselves so that each loop is covered, whichever verticles run on it.
 */
@ApplicationScoped
public class EventLoopHeartbeat {

    /** How often each loop stamps. Cheap: one volatile write per loop per period. */
    static final long PERIOD_MILLIS = 1_000;

    @Inject
    Vertx vertx;

    private volatile AtomicLongArray stamps = new AtomicLongArray(0);
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    void onStart(@Observes StartupEvent event) {
        List<EventExecutor> loops = new ArrayList<>();
        ((VertxInternal) vertx).getEventLoopGroup().forEach(loops::add);
        AtomicLongArray fresh = new AtomicLongArray(loops.size());
        long now = System.nanoTime();
        for (int i = 0; i < loops.size(); i++) {
            int slot = i;
            fresh.set(slot, now);
            tasks.add(loops.get(i).scheduleAtFixedRate(() -> fresh.set(slot, System.nanoTime()),
                    0, PERIOD_MILLIS, TimeUnit.MILLISECONDS));
        }
        stamps = fresh;
    }

    void onStop(@Observes ShutdownEvent event) {
        tasks.forEach(t -> t.cancel(false));
    }

    /** Event loops watched. */
    int loops() {
        return stamps.length();
    }

    /** Age of the oldest stamp, in nanoseconds, as of {@code nowNanos}. */
    long oldestStampAgeNanos(long nowNanos) {
        AtomicLongArray current = stamps;
        long oldest = 0;
        for (int i = 0; i < current.length(); i++) {
            oldest = Math.max(oldest, nowNanos - current.get(i));
        }
        return oldest;
    }
}
