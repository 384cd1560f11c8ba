package io.portcullis.pool;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.TestSettings;
import io.portcullis.testing.Backends;
import io.portcullis.testing.NonDefaultProperties;
import io.portcullis.testing.PostgresServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code portcullis.pool.*}, {@code portcullis.session.*} and {@code portcullis.listen.*} properties
 * behind {@code /api/v1/settings}, set to values other than their defaults ({@link NonDefaultProperties}):
 * each one is the default the API reports and the settings run with (their effects are proven through API
 * overrides, which take the same path from there), and the query wait timeout acts from its property.
 */
@QuarkusTest
@TestProfile(NonDefaultProperties.class)
class PoolPropertiesTest {

    private static final String USER = "poolprops_user";
    private static final String PASSWORD = "poolprops-pass";

    @BeforeAll
    static void configure() {
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase("pp_wait", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterEach
    void defaults() {
        TestSettings.reset();
    }

    private static Connection connect() throws SQLException {
        return GatewayClient.connect("pp_wait", USER, PASSWORD);
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** {@code portcullis.pool.server-lifetime} → {@code serverLifetime}. */
    private static String field(String property) {
        String last = property.substring(property.lastIndexOf('.') + 1);
        StringBuilder camel = new StringBuilder();
        for (String part : last.split("-")) {
            camel.append(camel.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return camel.toString();
    }

    @Test
    void eachPropertyIsTheDefaultTheSettingsRunWith() {
        Response settings = GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/settings");
        settings.then().statusCode(200);
        for (Map.Entry<String, String> property : NonDefaultProperties.SETTING_PROPERTIES.entrySet()) {
            String field = field(property.getKey());
            assertEquals(property.getValue(), String.valueOf((Object) settings.path("defaults." + field)), property.getKey());
            assertEquals(property.getValue(), String.valueOf((Object) settings.path("effective." + field)), property.getKey());
        }
    }

    /**
     * portcullis.pool.query-wait-timeout=2s refuses a login that waits for the pool after 2 s (the built-in
     * default is 120 s); {@code queryWaitTimeout: 0s} through the API lifts the limit, so a waiting login is
     * still waiting well after the property's 2 s and gets the connection once it is free.
     */
    @Test
    void theQueryWaitTimeoutPropertyBoundsTheWaitAndZeroLiftsIt() throws Exception {
        try (Connection holder = connect()) {
            selectOne(holder);
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> connect().close());
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("53300", e.getSQLState(), e.toString());
            assertTrue(e.getMessage().contains("became free within 2 s"), e.getMessage());
            assertTrue(waitedMillis >= 1_800 && waitedMillis < 15_000, "after the property's 2 s, not " + waitedMillis + " ms");

            TestSettings.put(Map.of("queryWaitTimeout", "0s"));
            CompletableFuture<Connection> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return connect();
                } catch (SQLException failed) {
                    throw new IllegalStateException(failed);
                }
            });
            Thread.sleep(4_000);
            assertFalse(waiting.isDone(), "0s: no limit, still waiting after twice the property's timeout");
            holder.close();
            try (Connection served = waiting.get(20, TimeUnit.SECONDS)) {
                assertEquals(1, selectOne(served));
            }
        }
    }
}
