package io.portcullis.migrate;

import io.portcullis.config.RuntimeSettings;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.SettingsConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code [pgbouncer]} keys that Portcullis has as {@code /api/v1/settings} fields: mapped in
 * PgBouncer's units (bare numbers are seconds), and reported where a value, mostly 0, means
 * something else in Portcullis.
 */
class SettingsOverridesTest {

    private static ImportPlan plan(String pgbouncerSection) {
        return Fixtures.plan("[databases]\nd = host=h user=u password=p reserve_pool=3\n[pgbouncer]\n" + pgbouncerSection, null);
    }

    @Test
    void everySettingWithAPortcullisFieldIsMappedInSeconds() {
        ImportPlan plan = plan("""
                max_client_conn = 321
                server_lifetime = 1800
                reserve_pool_timeout = 2.5
                server_check_query = select 1
                server_check_delay = 10
                client_idle_timeout = 600
                idle_transaction_timeout = 30
                query_timeout = 90
                max_prepared_statements = 50
                query_wait_timeout = 45
                server_connect_timeout = 3
                server_idle_timeout = 120
                client_login_timeout = 20
                """);
        SettingsConfig s = plan.settings();
        assertEquals(321, s.get(RuntimeSettings.MAX_CLIENT_CONNECTIONS));
        assertEquals(Duration.ofSeconds(1800), s.get(RuntimeSettings.SERVER_LIFETIME));
        assertEquals(Duration.ofMillis(2500), s.get(RuntimeSettings.RESERVE_POOL_TIMEOUT), "fractions of a second");
        assertEquals("select 1", s.get(RuntimeSettings.SERVER_CHECK_QUERY));
        assertEquals(Duration.ofSeconds(10), s.get(RuntimeSettings.SERVER_CHECK_DELAY));
        assertEquals(Duration.ofSeconds(600), s.get(RuntimeSettings.CLIENT_IDLE_TIMEOUT));
        assertEquals(Duration.ofSeconds(30), s.get(RuntimeSettings.IDLE_TRANSACTION_TIMEOUT));
        assertEquals(Duration.ofSeconds(90), s.get(RuntimeSettings.QUERY_TIMEOUT));
        assertEquals(50, s.get(RuntimeSettings.MAX_PREPARED_STATEMENTS));
        assertEquals(Duration.ofSeconds(45), s.get(RuntimeSettings.QUERY_WAIT_TIMEOUT));
        assertEquals(Duration.ofSeconds(3), s.get(RuntimeSettings.SERVER_CONNECT_TIMEOUT));
        assertEquals(Duration.ofSeconds(3), s.get(RuntimeSettings.SERVER_LOGIN_TIMEOUT), "PgBouncer's one limit covers the login too");
        assertEquals(Duration.ofSeconds(120), s.get(RuntimeSettings.SERVER_IDLE_TIMEOUT));
        assertEquals(Duration.ofSeconds(20), s.get(RuntimeSettings.CLIENT_LOGIN_TIMEOUT));
        assertNull(s.get(RuntimeSettings.SERVER_RESET_TIMEOUT), "PgBouncer has no such setting");
        assertEquals(3, plan.databases().get(0).reservePoolSize());

        assertEquals(List.of("pgbouncer.ini:14:server_connect_timeout"), List.copyOf(Fixtures.byWhere(plan).keySet()),
                "only the connect timeout, whose meaning differs a little, is reported");
        assertTrue(plan.unmapped().get(0).reason().contains("up to twice as long"), plan.unmapped().get(0).reason());
        assertEquals(Map.of("maxClientConnections", 321, "serverLifetime", "1800s", "reservePoolTimeout", "2500ms",
                        "serverCheckQuery", "select 1", "serverCheckDelay", "10s", "clientIdleTimeout", "600s",
                        "idleTransactionTimeout", "30s", "queryTimeout", "90s", "maxPreparedStatements", 50,
                        "queryWaitTimeout", "45s"),
                Map.copyOf(subMap(SettingsOverrides.shown(s), "maxClientConnections", "serverLifetime", "reservePoolTimeout",
                        "serverCheckQuery", "serverCheckDelay", "clientIdleTimeout", "idleTransactionTimeout",
                        "queryTimeout", "maxPreparedStatements", "queryWaitTimeout")));
        assertEquals(14, SettingsOverrides.shown(s).size(), "the report names every imported setting");
    }

    private static Map<String, Object> subMap(Map<String, Object> all, String... keys) {
        Map<String, Object> some = new java.util.HashMap<>();
        for (String k : keys) {
            some.put(k, all.get(k));
        }
        return some;
    }

    @Test
    void zeroIsMappedWhereItSwitchesTheSettingOffInBoth() {
        SettingsConfig s = plan("""
                query_wait_timeout = 0
                server_idle_timeout = 0
                server_check_delay = 0
                client_idle_timeout = 0
                idle_transaction_timeout = 0
                query_timeout = 0
                max_prepared_statements = 0
                """).settings();
        for (Duration d : List.of(s.get(RuntimeSettings.QUERY_WAIT_TIMEOUT), s.get(RuntimeSettings.SERVER_IDLE_TIMEOUT), s.get(RuntimeSettings.SERVER_CHECK_DELAY),
                s.get(RuntimeSettings.CLIENT_IDLE_TIMEOUT), s.get(RuntimeSettings.IDLE_TRANSACTION_TIMEOUT), s.get(RuntimeSettings.QUERY_TIMEOUT))) {
            assertEquals(Duration.ZERO, d);
        }
        assertEquals(0, s.get(RuntimeSettings.MAX_PREPARED_STATEMENTS));
    }

    @Test
    void zeroIsReportedWhereItMeansSomethingElseInPortcullis() {
        ImportPlan plan = plan("""
                max_client_conn = 0
                server_lifetime = 0
                client_login_timeout = 0
                server_connect_timeout = 0
                server_check_query =
                reserve_pool_timeout = 0
                """);
        assertEquals(SettingsConfig.UNSET, plan.settings(), "nothing stored");
        Map<String, UnmappedLine> found = Fixtures.byWhere(plan);
        assertTrue(found.get("pgbouncer.ini:4:max_client_conn").reason().contains("no client in"));
        assertTrue(found.get("pgbouncer.ini:5:server_lifetime").reason().contains("after one use"));
        assertTrue(found.get("pgbouncer.ini:6:client_login_timeout").reason().contains("always limits logins"));
        assertTrue(found.get("pgbouncer.ini:7:server_connect_timeout").reason().contains("always limits"));
        assertTrue(found.get("pgbouncer.ini:8:server_check_query").reason().contains("switches PgBouncer's server check off"));
        assertTrue(found.get("pgbouncer.ini:9:reserve_pool_timeout").reason().contains("reservePoolSize 0"));
        assertEquals(6, found.size(), found.toString());
        DatabaseConfig d = plan.databases().get(0);
        assertEquals(0, d.reservePoolSize(), "PgBouncer lends no reserve connections when reserve_pool_timeout is 0");
    }

    @Test
    void theEmptyQueryMarkerIsPortcullisEmptyCheckQuery() {
        assertEquals("", plan("server_check_query = <empty>\n").settings().get(RuntimeSettings.SERVER_CHECK_QUERY));
    }

    @Test
    void valuesPgBouncerReadsOtherwiseOrPortcullisCannotHoldAreReported() {
        ImportPlan plan = plan("""
                query_timeout = 5s
                query_wait_timeout = -1
                server_idle_timeout = 0.0005
                client_idle_timeout = 2592001
                max_client_conn = lots
                max_prepared_statements = 100001
                """);
        assertEquals(SettingsConfig.UNSET, plan.settings());
        assertEquals(6, plan.unmapped().size(), plan.unmapped().toString());
        assertTrue(plan.unmapped().get(0).reason().contains("a number of seconds"), plan.unmapped().get(0).reason());
    }

    @Test
    void integersAreReadAsPgBouncerReadsThemHexAndOctalIncluded() {
        ImportPlan plan = plan("max_client_conn = 0x10\nmax_prepared_statements = 010\ndefault_pool_size = 011\n");
        assertEquals(16, plan.settings().get(RuntimeSettings.MAX_CLIENT_CONNECTIONS));
        assertEquals(8, plan.settings().get(RuntimeSettings.MAX_PREPARED_STATEMENTS), "strtol reads a leading 0 as octal");
        assertEquals(9, plan.databases().get(0).poolSize());
        assertTrue(plan.unmapped().isEmpty(), plan.unmapped().toString());
        assertEquals(1, plan("max_client_conn = 08\n").unmapped().size(), "not octal: PgBouncer refuses it too");
        assertEquals(1, plan("max_client_conn = 12abc\n").unmapped().size());
    }

    @Test
    void statsPeriodNamesTheStartupProperty() {
        UnmappedLine line = plan("stats_period = 15\n").unmapped().get(0);
        assertEquals("a startup setting: set portcullis.admin.stats-period=15s", line.reason());
    }

    @Test
    void serverLoginRetryIsImportedInSeconds() {
        assertEquals(Duration.ofSeconds(15), plan("server_login_retry = 15\n").settings().get(RuntimeSettings.SERVER_LOGIN_RETRY));
    }

    @Test
    void mergeKeepsTheOverridesTheImportDoesNotSet() {
        SettingsConfig stored = SettingsConfig.UNSET.with(RuntimeSettings.QUERY_WAIT_TIMEOUT, Duration.ofSeconds(5))
                .with(RuntimeSettings.SERVER_RESET_TIMEOUT, Duration.ofSeconds(7))
                .with(RuntimeSettings.QUERY_TIMEOUT, Duration.ofSeconds(9)).with(RuntimeSettings.MAX_CLIENT_CONNECTIONS, 100);
        SettingsConfig imported = plan("query_wait_timeout = 60\nmax_client_conn = 200\n").settings();
        SettingsConfig merged = SettingsOverrides.merge(stored, imported);
        assertEquals(Duration.ofSeconds(60), merged.get(RuntimeSettings.QUERY_WAIT_TIMEOUT), "the import's value wins");
        assertEquals(200, merged.get(RuntimeSettings.MAX_CLIENT_CONNECTIONS));
        assertEquals(Duration.ofSeconds(7), merged.get(RuntimeSettings.SERVER_RESET_TIMEOUT), "kept");
        assertEquals(Duration.ofSeconds(9), merged.get(RuntimeSettings.QUERY_TIMEOUT), "kept");
    }
}
