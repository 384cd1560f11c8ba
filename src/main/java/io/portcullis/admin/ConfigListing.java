package io.portcullis.admin;

import io.portcullis.pool.PoolSettings;
import io.portcullis.proxy.ListenerSettings;
import io.portcullis.proxy.SessionSettings;
import io.portcullis.proxy.ShutdownSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The process settings {@code SHOW CONFIG} lists: Portcullis's property names, the value in force, the
 * default, and {@code no} for changeable (they are read at start; databases, users and TLS change
 * live through the REST API instead). The defaults repeat the {@code @WithDefault}s of the settings
 * interfaces; {@code ConfigListingTest} keeps the two in step.
 */
final class ConfigListing {

    /** One row of SHOW CONFIG. */
    record Setting(String key, String value, String defaultValue) {
    }

    private static final long MILLIS_PER_SECOND = 1_000;

    private ConfigListing() {
    }

    static List<Setting> of(ListenerSettings listen, PoolSettings pool, SessionSettings session,
                            ShutdownSettings shutdown, AdminSettings admin) {
        List<Setting> rows = new ArrayList<>();
        rows.add(new Setting("portcullis.listen.host", listen.host(), "0.0.0.0"));
        rows.add(new Setting("portcullis.listen.port", Integer.toString(listen.port()), "5432"));
        rows.add(duration("portcullis.listen.client-login-timeout", listen.clientLoginTimeout(), "60s"));
        rows.add(duration("portcullis.pool.query-wait-timeout", pool.queryWaitTimeout(), "120s"));
        rows.add(duration("portcullis.pool.server-connect-timeout", pool.serverConnectTimeout(), "5s"));
        rows.add(duration("portcullis.pool.server-login-timeout", pool.serverLoginTimeout(), "10s"));
        rows.add(duration("portcullis.pool.server-idle-timeout", pool.serverIdleTimeout(), "240s"));
        rows.add(duration("portcullis.pool.server-lifetime", pool.serverLifetime(), "3600s"));
        rows.add(duration("portcullis.pool.reserve-pool-timeout", pool.reservePoolTimeout(), "5s"));
        rows.add(duration("portcullis.pool.server-reset-timeout", pool.serverResetTimeout(), "10s"));
        rows.add(new Setting("portcullis.session.on-removal",
                session.onRemoval().name().toLowerCase(Locale.ROOT).replace('_', '-'), "immediate"));
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
