package io.portcullis.admin;

import io.portcullis.cluster.ClusterSettings;
import io.portcullis.config.GatewaySettings;
import io.portcullis.config.RuntimeSettings;
import io.portcullis.config.SettingDurations;
import io.portcullis.peer.PeerSettings;
import io.portcullis.proxy.ListenerSettings;
import io.portcullis.proxy.WebSocketSettings;
import io.portcullis.proxy.SessionSettings;
import io.portcullis.proxy.ShutdownSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The process settings {@code SHOW CONFIG} lists: Portcullis's property names, the value in force, the
 * default, and {@code no} for changeable (the console's {@code SET} changes nothing). The settings
 * {@code /api/v1/settings} can override are every {@link RuntimeSettings} descriptor, listed by walking them:
 * the value in force is the override when one is stored, else the property ({@link GatewaySettings}, read at
 * each {@code SHOW CONFIG}), the default the descriptor's. The others are the properties read at start; their
 * defaults repeat the {@code @WithDefault}s of the settings interfaces, which {@code ConfigListingTest} keeps in step.
 */
final class ConfigListing {

    /** One row of SHOW CONFIG. */
    record Setting(String key, String value, String defaultValue, boolean changeable) {
        /** A setting only a restart changes. */
        Setting(String key, String value, String defaultValue) {
            this(key, value, defaultValue, false);
        }
    }

    private ConfigListing() {
    }

    /**
     * @param inForce the settings in force now ({@code LiveSettings.current()}): the properties
     *                overridden by what {@code /api/v1/settings} stored
     */
    static List<Setting> of(ListenerSettings listen, GatewaySettings inForce, SessionSettings session,
                            ShutdownSettings shutdown, AdminSettings admin, ClusterSettings cluster, PeerSettings peer,
                            WebSocketSettings webSocket) {
        List<Setting> rows = new ArrayList<>();
        rows.add(new Setting("portcullis.listen.host", listen.host(), "0.0.0.0"));
        rows.add(new Setting("portcullis.listen.port", Integer.toString(listen.port()), "5432"));
        for (io.portcullis.config.Setting<?> s : RuntimeSettings.ALL) {
            // SET on the console (and /api/v1/settings) changes these while the gateway runs.
            rows.add(new Setting(s.property(), s.format(inForce.get(s)), s.defaultText(), s.live()));
        }
        rows.add(new Setting("portcullis.session.on-removal",
                session.onRemoval().name().toLowerCase(Locale.ROOT).replace('_', '-'), "immediate"));
        rows.add(duration("portcullis.shutdown.delay", shutdown.delay(), "5s"));
        rows.add(duration("portcullis.shutdown.timeout", shutdown.timeout(), "30s"));
        rows.add(new Setting("portcullis.admin.database", admin.database(), "pgbouncer"));
        rows.add(duration("portcullis.admin.stats-period", admin.statsPeriod(), "60s"));
        rows.add(new Setting("portcullis.admin.exporter-metrics", Boolean.toString(admin.exporterMetrics()), "true"));
        rows.add(duration("portcullis.cluster.heartbeat-interval", cluster.heartbeatInterval(), "2s"));
        rows.add(duration("portcullis.cluster.forget-after", cluster.forgetAfter(), "3600s"));
        rows.add(new Setting("portcullis.peer.enabled", Boolean.toString(peer.enabled()), "true"));
        rows.add(new Setting("portcullis.peer.host", peer.host(), "0.0.0.0"));
        rows.add(new Setting("portcullis.peer.port", Integer.toString(peer.port()), "6433"));
        rows.add(new Setting("portcullis.peer.advertise-host", peer.advertiseHost().orElse(""), ""));
        rows.add(new Setting("portcullis.websocket.enabled", Boolean.toString(webSocket.enabled()), "true"));
        rows.add(new Setting("portcullis.websocket.cleartext-password", Boolean.toString(webSocket.cleartextPassword()), "true"));
        rows.add(new Setting("portcullis.websocket.allowed-origins",
                String.join(",", webSocket.allowedOrigins().orElse(List.of())), ""));
        return rows;
    }

    private static Setting duration(String key, Duration value, String defaultValue) {
        return new Setting(key, SettingDurations.format(value), defaultValue);
    }
}
