package io.portcullis.admin;

import io.portcullis.config.GatewaySettings;
import io.portcullis.proxy.ListenerSettings;
import io.portcullis.proxy.SessionSettings;
import io.portcullis.proxy.ShutdownSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The process settings {@code SHOW CONFIG} lists: Portcullis's property names, the value in force, the
 * default, and {@code no} for changeable (the console's {@code SET} changes nothing). The value in force
 * of a setting {@code /api/v1/settings} can override is the override when one is stored, else the
 * property ({@link GatewaySettings}, read at each {@code SHOW CONFIG}); the others are the properties read
 * at start. The defaults repeat the {@code @WithDefault}s of the settings interfaces;
 * {@code ConfigListingTest} keeps the two in step.
 */
final class ConfigListing {

    /** One row of SHOW CONFIG. */
    record Setting(String key, String value, String defaultValue) {
    }

    private static final long MILLIS_PER_SECOND = 1_000;

    private ConfigListing() {
    }

    /**
     * @param inForce the settings in force now ({@code LiveSettings.current()}): the properties
     *                overridden by what {@code /api/v1/settings} stored
     */
    static List<Setting> of(ListenerSettings listen, GatewaySettings inForce, SessionSettings session,
                            ShutdownSettings shutdown, AdminSettings admin) {
        List<Setting> rows = new ArrayList<>();
        rows.add(new Setting("portcullis.listen.host", listen.host(), "0.0.0.0"));
        rows.add(new Setting("portcullis.listen.port", Integer.toString(listen.port()), "5432"));
        rows.add(duration("portcullis.listen.client-login-timeout", inForce.clientLoginTimeout(), "60s"));
        rows.add(new Setting("portcullis.listen.max-client-connections",
                Integer.toString(inForce.maxClientConnections()), "0"));
        rows.add(duration("portcullis.pool.query-wait-timeout", inForce.queryWaitTimeout(), "120s"));
        rows.add(duration("portcullis.pool.server-connect-timeout", inForce.serverConnectTimeout(), "5s"));
        rows.add(duration("portcullis.pool.server-login-timeout", inForce.serverLoginTimeout(), "10s"));
        rows.add(duration("portcullis.pool.server-idle-timeout", inForce.serverIdleTimeout(), "240s"));
        rows.add(duration("portcullis.pool.server-lifetime", inForce.serverLifetime(), "3600s"));
        rows.add(duration("portcullis.pool.reserve-pool-timeout", inForce.reservePoolTimeout(), "5s"));
        rows.add(duration("portcullis.pool.server-reset-timeout", inForce.serverResetTimeout(), "10s"));
        rows.add(duration("portcullis.pool.server-check-delay", inForce.serverCheckDelay(), "30s"));
        rows.add(new Setting("portcullis.pool.server-check-query", inForce.serverCheckQuery(), ""));
        rows.add(new Setting("portcullis.pool.max-prepared-statements",
                Integer.toString(inForce.maxPreparedStatements()), "200"));
        rows.add(new Setting("portcullis.session.on-removal",
                session.onRemoval().name().toLowerCase(Locale.ROOT).replace('_', '-'), "immediate"));
        rows.add(duration("portcullis.session.client-idle-timeout", inForce.clientIdleTimeout(), "0s"));
        rows.add(duration("portcullis.session.idle-transaction-timeout", inForce.idleTransactionTimeout(), "0s"));
        rows.add(duration("portcullis.session.query-timeout", inForce.queryTimeout(), "0s"));
        rows.add(duration("portcullis.shutdown.delay", shutdown.delay(), "5s"));
        rows.add(duration("portcullis.shutdown.timeout", shutdown.timeout(), "30s"));
        rows.add(new Setting("portcullis.admin.database", admin.database(), "pgbouncer"));
        rows.add(duration("portcullis.admin.stats-period", admin.statsPeriod(), "60s"));
        return rows;
    }

    private static Setting duration(String key, Duration value, String defaultValue) {
        return new Setting(key, text(value), defaultValue);
    }

    /** {@code 120s}, or {@code 1500ms} when not whole seconds: the spelling the properties accept. */
    static String text(Duration value) {
        long millis = value.toMillis();
        return millis % MILLIS_PER_SECOND == 0 ? millis / MILLIS_PER_SECOND + "s" : millis + "ms";
    }
}
