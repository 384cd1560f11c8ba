package io.portcullis.proxy;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewaySettings;
import io.portcullis.config.LiveSettings;
import io.portcullis.pool.PoolSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Produces the process's {@link LiveSettings}, whose defaults are the application properties:
 * {@code portcullis.pool.*} ({@link PoolSettings}), {@code portcullis.listen.*} ({@link ListenerSettings})
 * and {@code portcullis.session.*} ({@link SessionSettings}). It lives here because this package is
 * the one that may see all three.
 */
@Singleton
public class SettingDefaults {

    @Produces
    @Singleton
    LiveSettings liveSettings(ConfigStore store, PoolSettings pool, ListenerSettings listener, SessionSettings session) {
        return new LiveSettings(store, of(pool, listener, session));
    }

    /** The settings the properties give, before any stored override. */
    static GatewaySettings of(PoolSettings pool, ListenerSettings listener, SessionSettings session) {
        return new GatewaySettings(
                pool.queryWaitTimeout(),
                pool.serverConnectTimeout(),
                pool.serverLoginTimeout(),
                pool.serverIdleTimeout(),
                pool.serverLifetime(),
                pool.reservePoolTimeout(),
                pool.serverResetTimeout(),
                pool.serverCheckQuery().orElse(""),
                pool.serverCheckDelay(),
                listener.clientLoginTimeout(),
                session.clientIdleTimeout(),
                session.idleTransactionTimeout(),
                session.queryTimeout(),
                listener.maxClientConnections(),
                pool.maxPreparedStatements());
    }
}
