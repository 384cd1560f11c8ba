package io.portcullis.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigValidatorTest {

    private static final String VERIFIER = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy";
    private static final String MD5 = "md5" + "0123456789abcdef0123456789abcdef";
    private static final String HASH = "a".repeat(64);

    private static DatabaseConfig db(String name) {
        return new DatabaseConfig(name, "db.internal", 8812, name, "admin", null, ServerTls.DISABLE,
                PoolMode.SESSION, 20, 0, 0, 0);
    }

    private static DatabaseConfig db(String name, String host, int port, int pool, int min, int reserve, int max) {
        return new DatabaseConfig(name, host, port, name, "admin", null, ServerTls.DISABLE,
                PoolMode.SESSION, pool, min, reserve, max);
    }

    private static String error(GatewayConfig config) {
        return assertThrows(ConfigException.class, () -> ConfigValidator.validate(config)).getMessage();
    }

    @Test
    void acceptsAValidConfiguration() {
        GatewayConfig config = GatewayConfig.EMPTY.withDatabase(db("orders")).withDatabase(db("a.b-c_1"))
                .withUser(new UserConfig("alice@example.com", AuthMethod.SCRAM_SHA_256, VERIFIER, null, List.of("orders"), false))
                .withUser(new UserConfig("bob", AuthMethod.MD5, null, MD5, List.of(), true))
                .withUser(new UserConfig("carol", AuthMethod.CERT, null, null, List.of(), false))
                .withTokens(List.of(new ApiToken("bootstrap", ApiToken.ADMIN, HASH), new ApiToken("v", ApiToken.VIEWER, HASH)));
        assertDoesNotThrow(() -> ConfigValidator.validate(config));
    }

    @Test
    void namesTheDatabaseAndFieldAtFault() {
        assertEquals("database 'x': port must be between 1 and 65535, not 0",
                error(GatewayConfig.EMPTY.withDatabase(db("x", "h", 0, 20, 0, 0, 0))));
        assertEquals("database 'x': host is required", error(GatewayConfig.EMPTY.withDatabase(db("x", " ", 1, 20, 0, 0, 0))));
        assertTrue(error(GatewayConfig.EMPTY.withDatabase(db("x", "a b", 1, 20, 0, 0, 0))).contains("host must be"));
        assertEquals("database 'x': poolSize must be between 1 and 10000, not 0",
                error(GatewayConfig.EMPTY.withDatabase(db("x", "h", 1, 0, 0, 0, 0))));
        assertEquals("database 'x': minPoolSize (5) must not exceed poolSize (4)",
                error(GatewayConfig.EMPTY.withDatabase(db("x", "h", 1, 4, 5, 0, 0))));
        assertEquals("database 'x': reservePoolSize must be between 0 and 10000, not -1",
                error(GatewayConfig.EMPTY.withDatabase(db("x", "h", 1, 4, 0, -1, 0))));
        assertEquals("database 'x': maxDbConnections must be between 0 and 100000, not -1",
                error(GatewayConfig.EMPTY.withDatabase(db("x", "h", 1, 4, 0, 0, -1))));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String message = error(GatewayConfig.EMPTY.withDatabase(db("x", "h", 70000, 0, 0, 0, 0)));
        assertTrue(message.contains("port must be") && message.contains("poolSize must be"), message);
    }

    /** Issue 20 item 6: a database waiting for its credentials says why, and has no user or password yet. */
    @Test
    void aDatabaseWaitingForCredentialsHasAReasonAndNoUser() {
        DatabaseConfig waiting = db("w").waitingForCredentials("imported without user=");
        assertDoesNotThrow(() -> ConfigValidator.validate(GatewayConfig.EMPTY.withDatabase(waiting)));
        assertEquals("database 'w': disabledReason must be 1 to 1024 characters",
                error(GatewayConfig.EMPTY.withDatabase(db("w").waitingForCredentials(" "))));
        assertTrue(error(GatewayConfig.EMPTY.withDatabase(db("w").waitingForCredentials("x".repeat(1025))))
                .contains("disabledReason must be 1 to 1024 characters"));
        assertEquals("database 'w': a database waiting for its backend credentials has no user or password yet",
                error(GatewayConfig.EMPTY.withDatabase(new DatabaseConfig("w", "h", 1, "w", "u", null, ServerTls.DISABLE,
                        PoolMode.SESSION, 1, 0, 0, 0, null, null, null, List.of(), List.of(), null, null, null, "waiting"))));
        assertEquals("database 'w': user is required", error(GatewayConfig.EMPTY.withDatabase(
                new DatabaseConfig("w", "h", 1, "w", null, null, ServerTls.DISABLE, PoolMode.SESSION, 1, 0, 0, 0))),
                "only a database waiting for its credentials goes without a user");
        assertFalse(waiting.inServiceAs("u", null).disabled());
    }

    @Test
    void checksDatabaseNames() {
        assertTrue(error(GatewayConfig.EMPTY.withDatabase(db("pgbouncer"))).contains("reserved for the admin console"));
        assertTrue(error(GatewayConfig.EMPTY.withDatabase(db("PgBouncer"))).contains("reserved"));
        assertTrue(error(GatewayConfig.EMPTY.withDatabase(db("a/b"))).contains("must be 1 to 63 characters"));
        assertTrue(error(GatewayConfig.EMPTY.withDatabase(db("x".repeat(64)))).contains("must be 1 to 63 characters"));
        assertDoesNotThrow(() -> ConfigValidator.validate(GatewayConfig.EMPTY.withDatabase(db("x".repeat(63)))));
        DatabaseConfig misfiled = db("a");
        GatewayConfig config = new GatewayConfig(1, Map.of("b", misfiled), Map.of(), List.of());
        assertTrue(error(config).contains("stored under another name"));
    }

    @Test
    void checksBackendIdentifiersAndSealing() {
        DatabaseConfig longUser = new DatabaseConfig("x", "h", 1, "x", "u".repeat(64), null, ServerTls.DISABLE,
                PoolMode.SESSION, 1, 0, 0, 0);
        assertEquals("database 'x': user must be at most 63 bytes, not 64", error(GatewayConfig.EMPTY.withDatabase(longUser)));
        DatabaseConfig clear = new DatabaseConfig("x", "h", 1, "x", "u", "hunter2", ServerTls.DISABLE,
                PoolMode.SESSION, 1, 0, 0, 0);
        String message = error(GatewayConfig.EMPTY.withDatabase(clear));
        assertTrue(message.contains("not sealed") && !message.contains("hunter2"), message);
        DatabaseConfig noMode = new DatabaseConfig("x", "h", 1, "x", "u", null, null, null, 1, 0, 0, 0);
        assertEquals("database 'x': serverTls is required; database 'x': poolMode is required",
                error(GatewayConfig.EMPTY.withDatabase(noMode)));
    }

    @Test
    void checksUsers() {
        assertEquals("user 'a': auth scram-sha-256 needs a password (no valid SCRAM verifier is stored)",
                error(GatewayConfig.EMPTY.withUser(new UserConfig("a", AuthMethod.SCRAM_SHA_256, null, null, List.of(), false))));
        assertEquals("user 'a': auth md5 needs a password (no valid md5 hash is stored)",
                error(GatewayConfig.EMPTY.withUser(new UserConfig("a", AuthMethod.MD5, null, "md5xyz", List.of(), false))));
        assertEquals("user 'a': databases lists 'nope', which does not exist",
                error(GatewayConfig.EMPTY.withUser(new UserConfig("a", AuthMethod.CERT, null, null, List.of("nope"), false))));
        assertEquals("user 'a': databases lists 'x' twice",
                error(GatewayConfig.EMPTY.withDatabase(db("x"))
                        .withUser(new UserConfig("a", AuthMethod.CERT, null, null, List.of("x", "x"), false))));
        assertTrue(error(GatewayConfig.EMPTY.withUser(new UserConfig("a b", AuthMethod.CERT, null, null, List.of(), false)))
                .startsWith("user name 'a b' must be"));
    }

    @Test
    void checksTokens() {
        assertEquals("token 'a': the name is used twice",
                error(GatewayConfig.EMPTY.withTokens(List.of(new ApiToken("a", "admin", HASH), new ApiToken("a", "viewer", HASH)))));
        assertEquals("token 'a': role must be one of admin, viewer, not 'root'",
                error(GatewayConfig.EMPTY.withTokens(List.of(new ApiToken("a", "root", HASH)))));
        assertEquals("token 'a': sha256Hex must be 64 lower-case hex digits",
                error(GatewayConfig.EMPTY.withTokens(List.of(new ApiToken("a", "admin", "ABC")))));
    }

    @Test
    void capsTheNumberOfErrorsReported() {
        List<ApiToken> tokens = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            tokens.add(new ApiToken("t" + i, "root", HASH));
        }
        String message = error(GatewayConfig.EMPTY.withTokens(tokens));
        assertTrue(message.endsWith("; and 5 more"), message);
    }
}
