package io.portcullis.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Registers {@link GatewayTestResource} for every {@code @QuarkusTest} in the module (this annotation is the
 * only registration; other test classes need none) and checks what it hands to the application.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class GatewayTestResourceTest {

    private final Config config = ConfigProvider.getConfig();

    @Test
    void gatewaySettingsPointAtFreshLoopbackState() {
        Path dataDir = Path.of(config.getValue(GatewayTestResource.DATA_DIR, String.class));
        assertTrue(Files.isDirectory(dataDir), "data dir exists: " + dataDir);
        assertTrue(dataDir.startsWith(Path.of(GatewayTestResource.DATA_ROOT).toAbsolutePath()), dataDir.toString());
        assertEquals(Loopback.HOST, config.getValue(GatewayTestResource.LISTEN_HOST, String.class));
        int listenPort = config.getValue(GatewayTestResource.LISTEN_PORT, Integer.class);
        assertTrue(listenPort > 0 && listenPort < 65_536, "listen port " + listenPort);
        assertEquals(GatewayTestResource.ADMIN_TOKEN_VALUE, config.getValue(GatewayTestResource.ADMIN_TOKEN, String.class));
    }

    @Test
    void backendPortsReachTheSharedBackends() throws SQLException {
        int questdbPort = config.getValue(GatewayTestResource.QUESTDB_PORT, Integer.class);
        int postgresPort = config.getValue(GatewayTestResource.POSTGRES_PORT, Integer.class);
        assertEquals(Backends.questdb().pgPort(), questdbPort);
        assertEquals(Backends.postgres().port(), postgresPort);
        try (Connection c = PgLogin.connect(questdbPort, QuestDbServer.DATABASE, QuestDbServer.USER,
                QuestDbServer.PASSWORD)) {
            assertEquals(1, selectOne(c));
        }
        try (Connection c = PgLogin.connect(postgresPort, PostgresServer.DATABASE, PostgresServer.SCRAM_USER,
                PostgresServer.SCRAM_PASSWORD)) {
            assertEquals(1, selectOne(c));
        }
    }

    @Test
    void httpRunsOnARandomTestPort() {
        given().when().get("/q/health/live").then().statusCode(200);
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }
}
