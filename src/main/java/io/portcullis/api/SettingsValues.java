package io.portcullis.api;

import io.portcullis.config.GatewaySettings;
import io.portcullis.config.SettingDurations;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Every process-wide setting with a value: those in force, or the application property defaults. */
@Schema(name = "SettingsValues", description = "A value for every setting; see Settings for their meaning")
public record SettingsValues(
        String queryWaitTimeout,
        String serverConnectTimeout,
        String serverLoginTimeout,
        String serverIdleTimeout,
        String serverLifetime,
        String reservePoolTimeout,
        String serverResetTimeout,
        String serverCheckQuery,
        String serverCheckDelay,
        String clientLoginTimeout,
        String clientIdleTimeout,
        String idleTransactionTimeout,
        String queryTimeout,
        Integer maxClientConnections,
        Integer maxPreparedStatements) {

    static SettingsValues of(GatewaySettings s) {
        return new SettingsValues(
                SettingDurations.format(s.queryWaitTimeout()),
                SettingDurations.format(s.serverConnectTimeout()),
                SettingDurations.format(s.serverLoginTimeout()),
                SettingDurations.format(s.serverIdleTimeout()),
                SettingDurations.format(s.serverLifetime()),
                SettingDurations.format(s.reservePoolTimeout()),
                SettingDurations.format(s.serverResetTimeout()),
                s.serverCheckQuery(),
                SettingDurations.format(s.serverCheckDelay()),
                SettingDurations.format(s.clientLoginTimeout()),
                SettingDurations.format(s.clientIdleTimeout()),
                SettingDurations.format(s.idleTransactionTimeout()),
                SettingDurations.format(s.queryTimeout()),
                s.maxClientConnections(),
                s.maxPreparedStatements());
    }
}
