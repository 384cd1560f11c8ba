package io.portcullis.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The process-wide settings in force: for each one the override stored through the API
 * ({@link SettingsConfig}) if there is one, else the application property's value (the defaults).
 * {@link LiveSettings} keeps the current instance; pools and sessions read it at each use, so a
 * change applies to the next connection lent, login or timeout check without a restart.
 *
 * <p>To add a setting: a component here and in {@link SettingsConfig}, a line in
 * {@link #withOverrides}, a range in {@link ConfigValidator}, its property default where the
 * defaults are built ({@code proxy.SettingDefaults}), and the API's {@code Settings} body.
 *
 * @see SettingsConfig for what each one means
 */
public record GatewaySettings(
        Duration queryWaitTimeout,
        Duration serverConnectTimeout,
        Duration serverLoginTimeout,
        Duration serverIdleTimeout,
        Duration serverLifetime,
        Duration reservePoolTimeout,
        Duration serverResetTimeout,
        String serverCheckQuery,
        Duration serverCheckDelay,
        Duration clientLoginTimeout,
        Duration clientIdleTimeout,
        Duration idleTransactionTimeout,
        Duration queryTimeout,
        int maxClientConnections,
        int maxPreparedStatements) {

    public GatewaySettings {
        Objects.requireNonNull(queryWaitTimeout, "queryWaitTimeout");
        Objects.requireNonNull(serverConnectTimeout, "serverConnectTimeout");
        Objects.requireNonNull(serverLoginTimeout, "serverLoginTimeout");
        Objects.requireNonNull(serverIdleTimeout, "serverIdleTimeout");
        Objects.requireNonNull(serverLifetime, "serverLifetime");
        Objects.requireNonNull(reservePoolTimeout, "reservePoolTimeout");
        Objects.requireNonNull(serverResetTimeout, "serverResetTimeout");
        Objects.requireNonNull(serverCheckQuery, "serverCheckQuery");
        Objects.requireNonNull(serverCheckDelay, "serverCheckDelay");
        Objects.requireNonNull(clientLoginTimeout, "clientLoginTimeout");
        Objects.requireNonNull(clientIdleTimeout, "clientIdleTimeout");
        Objects.requireNonNull(idleTransactionTimeout, "idleTransactionTimeout");
        Objects.requireNonNull(queryTimeout, "queryTimeout");
    }

    /** These values with every setting {@code stored} sets replacing its counterpart. */
    public GatewaySettings withOverrides(SettingsConfig stored) {
        return new GatewaySettings(
                or(stored.queryWaitTimeout(), queryWaitTimeout),
                or(stored.serverConnectTimeout(), serverConnectTimeout),
                or(stored.serverLoginTimeout(), serverLoginTimeout),
                or(stored.serverIdleTimeout(), serverIdleTimeout),
                or(stored.serverLifetime(), serverLifetime),
                or(stored.reservePoolTimeout(), reservePoolTimeout),
                or(stored.serverResetTimeout(), serverResetTimeout),
                or(stored.serverCheckQuery(), serverCheckQuery),
                or(stored.serverCheckDelay(), serverCheckDelay),
                or(stored.clientLoginTimeout(), clientLoginTimeout),
                or(stored.clientIdleTimeout(), clientIdleTimeout),
                or(stored.idleTransactionTimeout(), idleTransactionTimeout),
                or(stored.queryTimeout(), queryTimeout),
                or(stored.maxClientConnections(), maxClientConnections),
                or(stored.maxPreparedStatements(), maxPreparedStatements));
    }

    private static <T> T or(T override, T fallback) {
        return override != null ? override : fallback;
    }
}
