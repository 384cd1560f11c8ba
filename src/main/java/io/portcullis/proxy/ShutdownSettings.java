package io.portcullis.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Graceful drain on SIGTERM (see {@link Drain}). */
@ConfigMapping(prefix = "portcullis.shutdown")
public interface ShutdownSettings {

    /**
     * Readiness is DOWN but new clients are still accepted for this long, so load balancers notice
     * first. Applied as {@code quarkus.shutdown.delay} (see application.properties); declared here
     * so that it is documented and validated with the other drain settings.
     */
    @WithDefault("5s")
    Duration delay();

    /** After the delay, how long sessions get to finish before the rest end with 57P01. */
    @WithDefault("30s")
    Duration timeout();
}
