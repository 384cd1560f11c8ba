package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Process-wide settings changed through the API ({@code PUT /api/v1/settings}). Each field is an
 * override: {@code null} means "not set here", and then the application property applies (see
 * {@link GatewaySettings}, which holds the values in force). A stored file without a
 * {@code settings} object therefore means what it meant before this record existed: no migration.
 *
 * <p>Durations are written as {@link SettingDurations} text ({@code "30s"}); {@code 0} switches a
 * timeout off where {@link ConfigValidator} allows it. Names are PgBouncer's in camelCase.
 *
 * @param queryWaitTimeout       longest wait for a server connection, 0 = no limit (query_wait_timeout)
 * @param serverConnectTimeout   TCP connect to a backend (server_connect_timeout)
 * @param serverLoginTimeout     backend login after connect (PgBouncer counts the login in server_connect_timeout)
 * @param serverIdleTimeout      idle server connections close after this, 0 = never (server_idle_timeout)
 * @param serverLifetime         older server connections close when returned, 0 = never (server_lifetime)
 * @param reservePoolTimeout     wait after which a client may use the reserve pool (reserve_pool_timeout)
 * @param serverResetTimeout     the clean hand-over of a returned connection must finish within this
 * @param serverCheckQuery       run on a connection idle longer than serverCheckDelay before it is lent;
 *                               empty = the empty query {@code ;} (server_check_query)
 * @param serverCheckDelay       idle time after which a connection is checked, 0 = always (server_check_delay)
 * @param clientLoginTimeout     accept to ReadyForQuery, TLS handshake included (client_login_timeout)
 * @param clientIdleTimeout      a client idle between transactions longer than this is closed, 0 = off (client_idle_timeout)
 * @param idleTransactionTimeout a client idle inside a transaction longer than this is closed, 0 = off (idle_transaction_timeout)
 * @param queryTimeout           a request running longer than this is cancelled, 0 = off (query_timeout)
 * @param maxClientConnections   clients the gateway serves at once, 0 = no limit (max_client_conn)
 * @param maxPreparedStatements  named statements kept per server connection in transaction and statement
 *                               mode, 0 = no mapping (max_prepared_statements)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SettingsConfig(
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
        Integer maxClientConnections,
        Integer maxPreparedStatements) {

    /** Nothing set through the API: the application properties decide. */
    public static final SettingsConfig UNSET = new SettingsConfig(null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null);

    /** The names of the settings set here, in declaration order: for audit lines, which never carry values. */
    public List<String> overridden() {
        Object[] values = {queryWaitTimeout, serverConnectTimeout, serverLoginTimeout, serverIdleTimeout, serverLifetime,
                reservePoolTimeout, serverResetTimeout, serverCheckQuery, serverCheckDelay, clientLoginTimeout,
                clientIdleTimeout, idleTransactionTimeout, queryTimeout, maxClientConnections, maxPreparedStatements};
        List<String> names = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                names.add(NAMES.get(i));
            }
        }
        return names;
    }

    private static final List<String> NAMES = List.of("queryWaitTimeout", "serverConnectTimeout", "serverLoginTimeout",
            "serverIdleTimeout", "serverLifetime", "reservePoolTimeout", "serverResetTimeout", "serverCheckQuery",
            "serverCheckDelay", "clientLoginTimeout", "clientIdleTimeout", "idleTransactionTimeout", "queryTimeout",
            "maxClientConnections", "maxPreparedStatements");
}
