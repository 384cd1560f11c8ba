package io.portcullis.pool;

import io.portcullis.config.LiveSettings;

import java.time.Duration;
import java.util.Optional;

/**
 * {@link PoolSettings} as they are now: each call returns the value stored through the settings API,
 * else the property. Pools hold this instead of the property mapping, so a change applies to the
 * next connection opened, lent, checked or returned.
 */
final class LivePoolSettings implements PoolSettings {

    private final LiveSettings live;

    LivePoolSettings(LiveSettings live) {
        this.live = live;
    }

    @Override
    public Duration queryWaitTimeout() {
        return live.current().queryWaitTimeout();
    }

    @Override
    public Duration serverConnectTimeout() {
        return live.current().serverConnectTimeout();
    }

    @Override
    public Duration serverLoginTimeout() {
        return live.current().serverLoginTimeout();
    }

    @Override
    public Duration serverIdleTimeout() {
        return live.current().serverIdleTimeout();
    }

    @Override
    public Duration serverLifetime() {
        return live.current().serverLifetime();
    }

    @Override
    public Duration reservePoolTimeout() {
        return live.current().reservePoolTimeout();
    }

    @Override
    public Duration serverCheckDelay() {
        return live.current().serverCheckDelay();
    }

    @Override
    public Optional<String> serverCheckQuery() {
        return Optional.of(live.current().serverCheckQuery());
    }

    @Override
    public int maxPreparedStatements() {
        return live.current().maxPreparedStatements();
    }

    @Override
    public Duration serverResetTimeout() {
        return live.current().serverResetTimeout();
    }
}
