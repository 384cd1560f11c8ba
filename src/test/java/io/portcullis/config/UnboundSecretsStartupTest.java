package io.portcullis.config;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.UnboundSecrets;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15 item 5: a data directory written before secrets were bound to their database (backend passwords
 * sealed in the unbound v1 format) is converted at the first start, and the converted password still logs in
 * to the real backend.
 */
@QuarkusTest
@WithTestResource(value = UnboundSecretsStartupTest.OldDataDir.class, scope = TestResourceScope.MATCHING_RESOURCES)
class UnboundSecretsStartupTest {

    static final String DB = "legacy_pg";

    /** A data directory as an older Portcullis left it: its secret key, and config.json with a v1 password. */
    public static class OldDataDir implements QuarkusTestResourceLifecycleManager {

        static volatile Path dir;

        @Override
        public Map<String, String> start() {
            PostgresServer pg = Backends.postgres();
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try {
                dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-data")), "v1-store-")
                        .toAbsolutePath();
                Files.writeString(dir.resolve("secret.key"), Base64.getEncoder().encodeToString(key) + "\n");
                Files.setPosixFilePermissions(dir.resolve("secret.key"),
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                Files.writeString(dir.resolve("config.json"), """
                        {"format": 1, "config": {"version": 3, "databases": {"%s": {"name": "%s", "host": "%s",
                         "port": %d, "dbname": "%s", "user": "%s", "sealedPassword": "%s", "serverTls": "disable",
                         "poolMode": "session", "poolSize": 2, "minPoolSize": 0, "reservePoolSize": 0,
                         "maxDbConnections": 0}}}}
                        """.formatted(DB, DB, pg.host(), pg.port(), pg.database(), pg.scramUser(),
                        UnboundSecrets.seal(key, pg.scramPassword())), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("portcullis.data-dir", dir.toString());
        }

        @Override
        public void stop() {
            // Kept under target/ for inspection.
        }

        /** After the global {@code GatewayTestResource}, so that this data directory is the one in force. */
        @Override
        public int order() {
            return 100;
        }
    }

    @Test
    void anOldStoreIsBoundAtStartupAndItsBackendLoginStillWorks() throws Exception {
        assertEquals(OldDataDir.dir.toString(), ConfigProvider.getConfig().getValue("portcullis.data-dir", String.class),
                "the application runs on the prepared data directory");
        String stored = Files.readString(OldDataDir.dir.resolve("config.json"), StandardCharsets.UTF_8);
        assertFalse(stored.contains("\"v1:"), stored);
        assertTrue(stored.contains("\"sealedPassword\" : \"v2:"), stored);

        GatewayClient.putUser("legacy_client", Map.of("password", "legacy-client-pass"));
        try (Connection c = GatewayClient.connect(DB, "legacy_client", "legacy-client-pass");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            assertEquals(Backends.postgres().scramUser(), rs.getString(1));
        }
    }
}
