package io.portcullis.tunnel;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.WebSocketPgClient;
import io.portcullis.wire.FrontendMessages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL over WebSocket on the gateway's own HTTPS ({@code portcullis.api.tls=gateway}), with
 * {@code portcullis.websocket.cleartext-password=false}: the session counts as TLS (the default mode
 * {@code require} lets it log in) and password users are asked for SCRAM, as over TCP. The tunnel reaches it over
 * {@code wss://}, verifying the gateway's certificate against {@code --ca-file}; without that CA it refuses.
 */
@QuarkusTest
@TestProfile(WebSocketOverHttpsTest.HttpsNoCleartext.class)
class WebSocketOverHttpsTest {

    public static class HttpsNoCleartext implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A short HTTP idle timeout: a quiet WebSocket session must outlive it (only the session's own timeouts apply).
            return Map.of("portcullis.api.tls", "gateway", "portcullis.websocket.cleartext-password", "false",
                    "quarkus.http.idle-timeout", "2s");
        }
    }

    static final String DB = "wss_pg";
    static final String USER = "wss_client";
    static final String PASSWORD = "wss-client-pass";
    private static PostgresServer pg;
    private static Vertx vertx;

    @BeforeAll
    static void configure() {
        pg = Backends.postgres();
        put("/api/v1/databases/" + DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2, "poolMode", "transaction"));
        put("/api/v1/users/" + USER, Map.of("password", PASSWORD));
        vertx = Vertx.vertx();
    }

    /** The API is on HTTPS only here. */
    private static void put(String path, Map<String, Object> body) {
        io.restassured.RestAssured.given().baseUri("https://127.0.0.1").port(httpsPort()).relaxedHTTPSValidation()
                .auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                .contentType(io.restassured.http.ContentType.JSON).body(body).put(path)
                .then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
    }

    @AfterAll
    static void close() {
        vertx.close();
    }

    static int httpsPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-ssl-port", Integer.class);
    }

    @Test
    void overTheGatewaysHttpsTheSessionIsTlsAndScramIsAskedWhenCleartextIsOff() throws Exception {
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpsPort(), Map.of(), null, true)) {
            ws.send(FrontendMessages.startupMessage(Map.of("user", USER, "database", DB)));
            WebSocketPgClient.Message ask = ws.next();
            assertEquals('R', ask.type());
            assertEquals(10, ask.body().getInt(0), "AuthenticationSASL, not a cleartext request");
        }
    }

    /** quarkus.http.idle-timeout (2 s here) ends idle HTTP connections, not a quiet PostgreSQL session over one. */
    @Test
    void aQuietSessionOutlivesTheHttpIdleTimeout() throws Exception {
        int port = tunnel(Optional.of(GatewayClient.serverCertificate()));
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DB, props())) {
            assertTrue(c.isValid(5));
            Thread.sleep(3500);
            try (ResultSet r = c.createStatement().executeQuery("SELECT 41 + 1")) {
                assertTrue(r.next());
                assertEquals(42, r.getInt(1));
            }
        }
    }

    @Test
    void theTunnelVerifiesTheGatewayCertificateAndCarriesPgJdbc() throws Exception {
        int port = tunnel(Optional.of(GatewayClient.serverCertificate()));
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DB, props());
             ResultSet r = c.createStatement().executeQuery("SELECT current_user")) {
            assertTrue(r.next());
            assertEquals(pg.scramUser(), r.getString(1));
        }
        int untrusting = tunnel(Optional.empty()); // the system's CAs do not know the gateway's self-signed certificate
        long start = System.nanoTime();
        assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + untrusting + "/" + DB, props()));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(9), "refused at once, not at a timeout");
    }

    /**
     * Neon's driver straight to the gateway's HTTPS ({@code wss://localhost}, the gateway's certificate trusted through
     * {@code NODE_EXTRA_CA_CERTS}), with SCRAM since cleartext is off here (so no pipelined password).
     */
    @Test
    void neonsDriverOverTheGatewaysHttps() throws Exception {
        io.portcullis.testing.NeonDriver.requireInstalled();
        String out = io.portcullis.testing.NeonDriver.run(Map.of("PC_ENDPOINT", "localhost:" + httpsPort(),
                "PC_SECURE", "1", "PC_PIPELINE", "false", "NODE_EXTRA_CA_CERTS", GatewayClient.serverCertificate().toString(),
                "PC_SCENARIO", "queries", "PC_DATABASE", DB, "PC_USER", USER, "PC_PASSWORD", PASSWORD));
        assertTrue(out.contains("\"simple\":1") && out.contains("\"n\":41"), out);
    }

    /**
     * pgbench {@code -M prepared} through the wss tunnel, in transaction pooling, with the hand-over check of the TCP
     * path (PgbenchHandOverTest): each client's statements answer its own value, never another client's.
     */
    @Test
    void pgbenchPreparedHandsOverCleanlyThroughTheWssTunnel() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/pgbench")));
        int port = tunnel(Optional.of(GatewayClient.serverCertificate()));
        for (int value : new int[]{11, 22}) {
            java.nio.file.Path script = java.nio.file.Files.createTempFile("wss-pgbench-", ".sql");
            java.nio.file.Files.writeString(script, "SELECT " + value + " AS v \\gset\n\\if :v != " + value
                    + "\nSELECT * FROM statement_of_another_client_was_executed;\n\\endif\n");
            ProcessBuilder builder = new ProcessBuilder(java.util.List.of("pgbench", "-n", "-M", "prepared", "-c", "4",
                    "-t", "50", "-f", script.toString(), "postgresql://" + USER + "@127.0.0.1:" + port + "/" + DB + "?sslmode=disable"))
                    .redirectErrorStream(true);
            builder.environment().put("PGPASSWORD", PASSWORD);
            Process p = builder.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pgbench finished");
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("number of transactions actually processed: 200/200"), out);
        }
    }

    private static int tunnel(Optional<java.nio.file.Path> ca) throws Exception {
        TunnelOptions options = new TunnelOptions("127.0.0.1", 0, URI.create("wss://localhost:" + httpsPort() + "/v2"),
                ca, Optional.empty());
        return new WebSocketTunnel(vertx, options).start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Properties props() {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("sslmode", "disable"); // the tunnel's hop to the gateway is the TLS one
        props.setProperty("connectTimeout", "10");
        return props;
    }
}
