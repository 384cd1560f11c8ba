package io.portcullis.migrate;

import io.portcullis.config.ConfigValidator;
import io.portcullis.config.SettingDurations;
import io.portcullis.config.SettingsConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * PgBouncer's process-wide timeouts and limits that Portcullis has as {@code /api/v1/settings}
 * fields: an import stores them as overrides. Values keep PgBouncer's meaning: bare numbers are
 * seconds, and where a value (mostly 0) means something else in Portcullis, it is reported instead
 * of stored. One per import; {@link #accept} returns false for keys it does not own.
 */
final class SettingsOverrides {

    private final ImportFindings findings;
    private Duration queryWaitTimeout;
    private Duration serverConnectTimeout;
    private Duration serverLoginTimeout;
    private Duration serverIdleTimeout;
    private Duration serverLifetime;
    private Duration reservePoolTimeout;
    private String serverCheckQuery;
    private Duration serverCheckDelay;
    private Duration clientLoginTimeout;
    private Duration clientIdleTimeout;
    private Duration idleTransactionTimeout;
    private Duration queryTimeout;
    private Integer maxClientConnections;
    private Integer maxPreparedStatements;
    private boolean reservePoolOff;

    SettingsOverrides(ImportFindings findings) {
        this.findings = findings;
    }

    boolean accept(IniEntry e) {
        switch (e.key()) {
            // 0 switches these off in PgBouncer and in Portcullis alike.
            case "query_wait_timeout" -> queryWaitTimeout = seconds(e);
            case "server_idle_timeout" -> serverIdleTimeout = seconds(e);
            case "server_check_delay" -> serverCheckDelay = seconds(e);
            case "client_idle_timeout" -> clientIdleTimeout = seconds(e);
            case "idle_transaction_timeout" -> idleTransactionTimeout = seconds(e);
            case "query_timeout" -> queryTimeout = seconds(e);
            case "server_lifetime" -> serverLifetime = positiveSeconds(e, "PgBouncer closes every server connection "
                    + "after one use when server_lifetime is 0; Portcullis has no such mode (its 0 means never)");
            case "client_login_timeout" -> clientLoginTimeout = positiveSeconds(e, "0 switches PgBouncer's login limit "
                    + "off; Portcullis always limits logins (clientLoginTimeout must be more than 0)");
            case "server_connect_timeout" -> serverConnect(e);
            case "reserve_pool_timeout" -> reserve(e);
            case "server_check_query" -> serverCheckQuery(e);
            case "max_client_conn" -> maxClientConnections(e);
            case "max_prepared_statements" -> maxPreparedStatements = integer(e, 0, ConfigValidator.MAX_PREPARED_STATEMENTS);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The overrides read, or {@link SettingsConfig#UNSET} for none. */
    SettingsConfig settings() {
        return new SettingsConfig(queryWaitTimeout, serverConnectTimeout, serverLoginTimeout, serverIdleTimeout,
                serverLifetime, reservePoolTimeout, null, serverCheckQuery, serverCheckDelay, clientLoginTimeout,
                clientIdleTimeout, idleTransactionTimeout, queryTimeout, maxClientConnections, maxPreparedStatements);
    }

    /** {@code reserve_pool_timeout = 0}: PgBouncer never lends reserve connections, so databases get none. */
    boolean reservePoolOff() {
        return reservePoolOff;
    }

    /** {@code base} with every setting {@code imported} sets replacing its counterpart. */
    static SettingsConfig merge(SettingsConfig base, SettingsConfig imported) {
        return new SettingsConfig(
                or(imported.queryWaitTimeout(), base.queryWaitTimeout()),
                or(imported.serverConnectTimeout(), base.serverConnectTimeout()),
                or(imported.serverLoginTimeout(), base.serverLoginTimeout()),
                or(imported.serverIdleTimeout(), base.serverIdleTimeout()),
                or(imported.serverLifetime(), base.serverLifetime()),
                or(imported.reservePoolTimeout(), base.reservePoolTimeout()),
                or(imported.serverResetTimeout(), base.serverResetTimeout()),
                or(imported.serverCheckQuery(), base.serverCheckQuery()),
                or(imported.serverCheckDelay(), base.serverCheckDelay()),
                or(imported.clientLoginTimeout(), base.clientLoginTimeout()),
                or(imported.clientIdleTimeout(), base.clientIdleTimeout()),
                or(imported.idleTransactionTimeout(), base.idleTransactionTimeout()),
                or(imported.queryTimeout(), base.queryTimeout()),
                or(imported.maxClientConnections(), base.maxClientConnections()),
                or(imported.maxPreparedStatements(), base.maxPreparedStatements()));
    }

    /**
     * The settings {@code s} sets, by their {@code /api/v1/settings} name, written as that API writes
     * them (durations as {@code "30s"}), in declaration order: for the import report.
     */
    static Map<String, Object> shown(SettingsConfig s) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("queryWaitTimeout", text(s.queryWaitTimeout()));
        all.put("serverConnectTimeout", text(s.serverConnectTimeout()));
        all.put("serverLoginTimeout", text(s.serverLoginTimeout()));
        all.put("serverIdleTimeout", text(s.serverIdleTimeout()));
        all.put("serverLifetime", text(s.serverLifetime()));
        all.put("reservePoolTimeout", text(s.reservePoolTimeout()));
        all.put("serverResetTimeout", text(s.serverResetTimeout()));
        all.put("serverCheckQuery", s.serverCheckQuery());
        all.put("serverCheckDelay", text(s.serverCheckDelay()));
        all.put("clientLoginTimeout", text(s.clientLoginTimeout()));
        all.put("clientIdleTimeout", text(s.clientIdleTimeout()));
        all.put("idleTransactionTimeout", text(s.idleTransactionTimeout()));
        all.put("queryTimeout", text(s.queryTimeout()));
        all.put("maxClientConnections", s.maxClientConnections());
        all.put("maxPreparedStatements", s.maxPreparedStatements());
        all.values().removeIf(java.util.Objects::isNull);
        return all;
    }

    private void serverConnect(IniEntry e) {
        Duration limit = positiveSeconds(e, "0 switches PgBouncer's connect limit off; Portcullis always limits the "
                + "connect and the login to a backend");
        if (limit != null) {
            serverConnectTimeout = limit;
            serverLoginTimeout = limit;
            findings.unmapped(e, "imported as serverConnectTimeout and serverLoginTimeout of " + text(limit)
                    + " each: PgBouncer gives the TCP connect and the backend login " + text(limit) + " together, "
                    + "Portcullis times them one after the other, so a backend may take up to twice as long");
        }
    }

    private void reserve(IniEntry e) {
        Duration wait = seconds(e);
        if (wait != null && wait.isZero()) {
            reservePoolOff = true;
            findings.unmapped(e, "0 switches PgBouncer's reserve pool off: databases are imported with reservePoolSize 0 "
                    + "(Portcullis's reservePoolTimeout 0 would lend reserve connections at once)");
        } else {
            reservePoolTimeout = wait;
        }
    }

    private void serverCheckQuery(IniEntry e) {
        String query = e.value().strip();
        if ("<empty>".equals(query)) {
            serverCheckQuery = ""; // the empty query, which is what Portcullis's "" sends
        } else if (query.isEmpty()) {
            findings.unmapped(e, "an empty server_check_query switches PgBouncer's server check off; Portcullis always "
                    + "checks a connection idle longer than serverCheckDelay before lending it (with the empty query "
                    + "unless serverCheckQuery is set): not imported");
        } else if (query.length() > ConfigValidator.MAX_CHECK_QUERY_LENGTH) {
            findings.unmapped(e, "longer than " + ConfigValidator.MAX_CHECK_QUERY_LENGTH
                    + " characters, the most serverCheckQuery takes: not imported");
        } else {
            serverCheckQuery = query;
        }
    }

    private void maxClientConnections(IniEntry e) {
        OptionalInt n = SettingValues.globalInteger(e.value(), 0, ConfigValidator.MAX_CLIENT_CONNECTIONS);
        if (n.isPresent() && n.getAsInt() == 0) {
            findings.unmapped(e, "0 lets no client in (but to the admin console) in PgBouncer, and means no limit in "
                    + "Portcullis: not imported");
        } else if (n.isEmpty()) {
            findings.unmapped(e, "must be " + SettingValues.range(1, ConfigValidator.MAX_CLIENT_CONNECTIONS)
                    + ": not imported");
        } else {
            maxClientConnections = n.getAsInt();
        }
    }

    /** @return the value, or null (reported) when it does not read */
    private Duration seconds(IniEntry e) {
        Optional<Duration> d = SettingValues.seconds(e.value());
        if (d.isEmpty()) {
            findings.unmapped(e, "must be " + SettingValues.secondsRange() + ": not imported");
        }
        return d.orElse(null);
    }

    /** @return the value, or null (reported) when it does not read or is 0, which {@code zero} explains */
    private Duration positiveSeconds(IniEntry e, String zero) {
        Duration d = seconds(e);
        if (d != null && d.isZero()) {
            findings.unmapped(e, zero + ": not imported");
            return null;
        }
        return d;
    }

    private Integer integer(IniEntry e, int min, int max) {
        OptionalInt n = SettingValues.globalInteger(e.value(), min, max);
        if (n.isEmpty()) {
            findings.unmapped(e, "must be " + SettingValues.range(min, max) + ": not imported");
            return null;
        }
        return n.getAsInt();
    }

    private static String text(Duration d) {
        return d == null ? null : SettingDurations.format(d);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
