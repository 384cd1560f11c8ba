package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.NeonDriver;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Neon's serverless driver ({@code @neondatabase/serverless} with the {@code ws} package, in Node.js) through
 * {@code /v2}: its {@code Pool} and {@code Client}, simple and parameterized queries on the real QuestDB and
 * PostgreSQL, with its default {@code pipelineConnect: "password"} (startup and password in one go, which needs the
 * cleartext request a WebSocket inside HTTPS gets). The HTTPS is a loopback proxy's ({@code X-Forwarded-Proto});
 * without it TLS mode {@code require} refuses the login with 28000. The driver runs as {@link NeonDriver} says.
 */
@QuarkusTest
class NeonDriverTest {

    static final String PG_DB = "neon_pg";
    static final String QUEST_DB = "neon_quest";
    static final String USER = "neon_client";
    static final String PASSWORD = "neon-client-pass";
    private static PostgresServer pg;

    @BeforeAll
    static void configure() {
        NeonDriver.requireInstalled();
        pg = Backends.postgres();
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(PG_DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 10, "poolMode", "transaction"));
        GatewayClient.putDatabase(QUEST_DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD, "maxClientConnections", 500));
    }

    @Test
    void poolAndClientRunSimpleAndParameterizedQueriesOnPostgresAndQuestDb() throws Exception {
        for (String db : List.of(PG_DB, QUEST_DB)) {
            String out = neon("queries", db, Map.of("X-Forwarded-Proto", "https"), Map.of());
            assertTrue(out.contains("\"simple\":1"), db + ": " + out);
            assertTrue(out.contains("\"n\":41") && out.contains("\"t\":\"forty-one\""), db + ": " + out);
            assertTrue(out.contains("\"echoed\":\"via Client\""), db + ": " + out);
        }
    }

    @Test
    void twoHundredSessionsShareAPoolOfTen() throws Exception {
        String out = neon("concurrent", PG_DB, Map.of("X-Forwarded-Proto", "https"), Map.of("PC_CLIENTS", "200"));
        assertEquals("{\"sessions\":200,\"allAnswered\":true}", out);
    }

    @Test
    void withoutHttpsTheLoginIsRefusedWhenTlsIsRequired() throws Exception {
        String out = neon("refused", PG_DB, Map.of(), Map.of());
        assertTrue(out.contains("\"refused\":true") && out.contains("\"code\":\"28000\""), out);
    }

    private static String neon(String scenario, String database, Map<String, String> headers, Map<String, String> more)
            throws Exception {
        Map<String, String> env = new java.util.HashMap<>(more);
        env.put("PC_ENDPOINT", "127.0.0.1:" + GatewayClient.httpPort());
        env.put("PC_HEADERS", new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(headers));
        env.put("PC_SCENARIO", scenario);
        env.put("PC_DATABASE", database);
        env.put("PC_USER", USER);
        env.put("PC_PASSWORD", PASSWORD);
        return NeonDriver.run(env);
    }
}
