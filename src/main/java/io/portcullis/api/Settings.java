package io.portcullis.api;

import io.portcullis.config.GatewaySettings;
import io.portcullis.config.SettingDurations;
import io.portcullis.config.SettingsConfig;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Duration;

/**
 * {@code /api/v1/settings}, read and written. The top-level fields are the overrides stored through
 * the API; {@code null} (or left out) means the application property applies. A {@code PUT} replaces
 * every override at once, so read, change and send back (with {@code If-Match}) to change one;
 * {@code effective} and {@code defaults} are shown on reads and refused on writes ({@link ReadOnlyFields}).
 *
 * <p>Durations are strings, for example {@code "30s"}, {@code "500ms"}, {@code "5m"} or ISO-8601 {@code "PT30S"}; {@code "0s"} turns off the
 * timeouts that allow it.
 */
@Schema(name = "Settings", description = "Process-wide pool and session settings (PgBouncer's names in camelCase); "
        + "null = the application property applies")
public record Settings(
        @Schema(description = "longest wait for a server connection, then 53300; 0s = no limit (query_wait_timeout)", example = "120s")
        String queryWaitTimeout,
        @Schema(description = "TCP connect to a backend, more than 0s (server_connect_timeout)", example = "5s")
        String serverConnectTimeout,
        @Schema(description = "backend login after connect, more than 0s", example = "10s")
        String serverLoginTimeout,
        @Schema(description = "idle server connections above minPoolSize close after this; 0s = never (server_idle_timeout)", example = "240s")
        String serverIdleTimeout,
        @Schema(description = "older server connections close when they come back; 0s = never (server_lifetime)", example = "3600s")
        String serverLifetime,
        @Schema(description = "wait after which a client may use the reserve pool (reserve_pool_timeout)", example = "5s")
        String reservePoolTimeout,
        @Schema(description = "closing the previous client's statements on a returned connection must finish within this, more than 0s", example = "10s")
        String serverResetTimeout,
        @Schema(description = "run on a connection idle longer than serverCheckDelay before it is lent; \"\" = the empty query ';' (server_check_query)", example = "SELECT 1")
        String serverCheckQuery,
        @Schema(description = "idle time after which a connection is checked before it is lent; 0s = always (server_check_delay)", example = "30s")
        String serverCheckDelay,
        @Schema(description = "accept to ReadyForQuery, TLS handshake included, more than 0s (client_login_timeout)", example = "60s")
        String clientLoginTimeout,
        @Schema(description = "a client idle between transactions longer than this is closed with 57P05; 0s = off (client_idle_timeout)", example = "0s")
        String clientIdleTimeout,
        @Schema(description = "a client idle inside a transaction longer than this is closed with 25P03, its server connection too; "
                + "0s = off (idle_transaction_timeout)", example = "0s")
        String idleTransactionTimeout,
        @Schema(description = "a request running longer than this is cancelled on the backend (57014); if the backend ignores the "
                + "cancel, the session is closed; 0s = off (query_timeout)", example = "0s")
        String queryTimeout,
        @Schema(description = "clients served at once, more get 53300 at login; 0 = no limit (max_client_conn)", example = "0")
        Integer maxClientConnections,
        @Schema(description = "named prepared statements each server connection keeps in transaction and statement mode; "
                + "0 = no mapping, names pass through (max_prepared_statements)", example = "200")
        Integer maxPreparedStatements,
        @Schema(readOnly = true, description = "the values in force now: the override, else the default; refused on writes")
        SettingsValues effective,
        @Schema(readOnly = true, description = "the application property defaults (portcullis.pool.*, portcullis.listen.*, "
                + "portcullis.session.*); refused on writes")
        SettingsValues defaults) {

    static Settings of(SettingsConfig stored, GatewaySettings effective, GatewaySettings defaults) {
        return new Settings(
                text(stored.queryWaitTimeout()),
                text(stored.serverConnectTimeout()),
                text(stored.serverLoginTimeout()),
                text(stored.serverIdleTimeout()),
                text(stored.serverLifetime()),
                text(stored.reservePoolTimeout()),
                text(stored.serverResetTimeout()),
                stored.serverCheckQuery(),
                text(stored.serverCheckDelay()),
                text(stored.clientLoginTimeout()),
                text(stored.clientIdleTimeout()),
                text(stored.idleTransactionTimeout()),
                text(stored.queryTimeout()),
                stored.maxClientConnections(),
                stored.maxPreparedStatements(),
                SettingsValues.of(effective),
                SettingsValues.of(defaults));
    }

    /**
     * The overrides to store. Ranges are checked by the store's validator.
     *
     * @throws io.portcullis.config.ConfigException 400, naming the field, for a duration that cannot be read
     * @throws ApiProblem 400 when {@code effective} or {@code defaults} was sent
     */
    SettingsConfig toConfig() {
        String advice = "send only the overrides (the top-level fields)";
        ReadOnlyFields.refuse("effective", effective, advice);
        ReadOnlyFields.refuse("defaults", defaults, advice);
        return new SettingsConfig(
                duration(queryWaitTimeout, "queryWaitTimeout"),
                duration(serverConnectTimeout, "serverConnectTimeout"),
                duration(serverLoginTimeout, "serverLoginTimeout"),
                duration(serverIdleTimeout, "serverIdleTimeout"),
                duration(serverLifetime, "serverLifetime"),
                duration(reservePoolTimeout, "reservePoolTimeout"),
                duration(serverResetTimeout, "serverResetTimeout"),
                serverCheckQuery,
                duration(serverCheckDelay, "serverCheckDelay"),
                duration(clientLoginTimeout, "clientLoginTimeout"),
                duration(clientIdleTimeout, "clientIdleTimeout"),
                duration(idleTransactionTimeout, "idleTransactionTimeout"),
                duration(queryTimeout, "queryTimeout"),
                maxClientConnections,
                maxPreparedStatements);
    }

    private static String text(Duration d) {
        return d == null ? null : SettingDurations.format(d);
    }

    private static Duration duration(String text, String field) {
        return text == null ? null : SettingDurations.parse(text, field);
    }
}
