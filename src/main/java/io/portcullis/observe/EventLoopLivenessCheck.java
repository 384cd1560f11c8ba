package io.portcullis.observe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.util.concurrent.TimeUnit;

/**
 * Live while every event loop keeps running its heartbeat. A wedged loop strands every connection
 * on it, and only a restart helps: that is what a failing liveness probe asks for.
 */
@Liveness
@ApplicationScoped
public class EventLoopLivenessCheck implements HealthCheck {

    /**
     * A loop whose last stamp is older than this counts as wedged: ten heartbeat periods, well past
     * any legitimate pause (GC, a burst of TLS handshakes) and Vert.x's own 2 s blocked-thread warning.
     */
    static final long STALL_THRESHOLD_MILLIS = 10 * EventLoopHeartbeat.PERIOD_MILLIS;

    @Inject
    EventLoopHeartbeat heartbeat;

    @Override
    public HealthCheckResponse call() {
        long ageMillis = TimeUnit.NANOSECONDS.toMillis(heartbeat.oldestStampAgeNanos(System.nanoTime()));
        return HealthCheckResponse.named("event-loops")
                .status(ageMillis <= STALL_THRESHOLD_MILLIS)
                .withData("eventLoops", heartbeat.loops())
                .withData("oldestHeartbeatMillis", ageMillis)
                .withData("thresholdMillis", STALL_THRESHOLD_MILLIS)
                .build();
    }
}
