package io.portcullis.admin;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.TestSettings;
import io.portcullis.testing.Backends;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the admin console shows is what is in force: SHOW CONFIG and SHOW DATABASES follow the overrides
 * of {@code /api/v1/settings} live (not the properties read at start), SHOW USERS each user's own pool
 * mode and limits.
 */
@QuarkusTest
class ConsoleSettingsInForceTest {

    private static final String ADMIN = "shown_admin";
    private static final String ADMIN_PASSWORD = "shown-admin-pass";
    private static final String LIMITED = "shown_limited";
    private static final String DB = "shown_q";

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        GatewayClient.putUser(ADMIN, Map.of("password", ADMIN_PASSWORD, "admin", true));
        GatewayClient.putUser(LIMITED, Map.of("password", "shown-limited-pass", "poolMode", "transaction",
                "maxUserConnections", 3, "maxClientConnections", 4));
    }

    @AfterEach
    void defaults() {
        TestSettings.reset();
    }

    private static Connection console() throws SQLException {
        return GatewayClient.connect("pgbouncer", ADMIN, ADMIN_PASSWORD, Map.of("preferQueryMode", "simple"));
    }

    static List<Map<String, String>> rows(Connection c, String sql) throws SQLException {
        return io.portcullis.testing.ResultRows.of(c, sql);
    }

    private static Map<String, String> row(Connection c, String sql, String keyColumn, String key) throws SQLException {
        return rows(c, sql).stream().filter(r -> key.equals(r.get(keyColumn))).findFirst()
                .orElseThrow(() -> new AssertionError("no row with " + keyColumn + "=" + key + " in " + sql));
    }

    private static void assertConfig(Connection console, String key, String value, String defaultValue) throws SQLException {
        Map<String, String> row = row(console, "SHOW CONFIG", "key", key);
        assertEquals(value, row.get("value"), key + ": " + row);
        assertEquals(defaultValue, row.get("default"), key + ": " + row);
    }

    @Test
    void showConfigAndShowDatabasesFollowTheSettingsInForce() throws Exception {
        try (Connection console = console()) {
            assertConfig(console, "portcullis.pool.server-lifetime", "3600s", "3600s");
            assertEquals("3600", row(console, "SHOW DATABASES", "name", DB).get("server_lifetime"));

            TestSettings.put(Map.of("serverLifetime", "1234s", "queryWaitTimeout", "7s", "serverIdleTimeout", "250s",
                    "serverCheckQuery", "SELECT 2", "maxPreparedStatements", 17, "clientLoginTimeout", "45s",
                    "queryTimeout", "1500ms", "maxClientConnections", 500));
            assertConfig(console, "portcullis.pool.server-lifetime", "1234s", "3600s");
            assertConfig(console, "portcullis.pool.query-wait-timeout", "7s", "120s");
            assertConfig(console, "portcullis.pool.server-idle-timeout", "250s", "240s");
            assertConfig(console, "portcullis.pool.server-check-query", "SELECT 2", "");
            assertConfig(console, "portcullis.pool.max-prepared-statements", "17", "200");
            assertConfig(console, "portcullis.listen.client-login-timeout", "45s", "60s");
            assertConfig(console, "portcullis.session.query-timeout", "1500ms", "0s");
            assertConfig(console, "portcullis.listen.max-client-connections", "500", "0");
            assertConfig(console, "portcullis.pool.server-reset-timeout", "10s", "10s");
            assertEquals("1234", row(console, "SHOW DATABASES", "name", DB).get("server_lifetime"));

            TestSettings.reset();
            assertConfig(console, "portcullis.pool.server-lifetime", "3600s", "3600s");
            assertConfig(console, "portcullis.pool.query-wait-timeout", "120s", "120s");
            assertEquals("3600", row(console, "SHOW DATABASES", "name", DB).get("server_lifetime"));
        }
    }

    @Test
    void showUsersListsEachUsersPoolModeAndLimits() throws Exception {
        try (Connection console = console()) {
            Map<String, String> limited = row(console, "SHOW USERS", "name", LIMITED);
            assertEquals("transaction", limited.get("pool_mode"), limited.toString());
            assertEquals("3", limited.get("max_user_connections"), limited.toString());
            assertEquals("4", limited.get("max_user_client_connections"), limited.toString());
            Map<String, String> admin = row(console, "SHOW USERS", "name", ADMIN);
            assertEquals(null, admin.get("pool_mode"), "no pool mode of its own: " + admin);
            assertEquals("0", admin.get("max_user_connections"), admin.toString());
        }
    }
}
