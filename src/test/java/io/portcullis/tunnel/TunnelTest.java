package io.portcullis.tunnel;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code tunnel} command carries psql, pgJDBC and pgbench to the gateway's {@code /v2} over WebSockets, one per
 * connection, against the real PostgreSQL. The test HTTP port is plain HTTP, so these sessions are in clear: the TLS
 * mode is {@code prefer} while this class runs (and the gateway asks for SCRAM, as over TCP).
 */
@QuarkusTest
class TunnelTest {

    static final String DB = "tunnel_pg";
    static final String USER = "tunnel_client";
    static final String PASSWORD = "tunnel-client-pass";
    private static PostgresServer pg;
    private static Vertx vertx;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        pg = Backends.postgres();
        GatewayClient.putDatabase(DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2, "poolMode", "transaction"));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        tlsMode("prefer");
        int httpPort = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        vertx = Vertx.vertx();
        TunnelOptions options = new TunnelOptions("127.0.0.1", 0, URI.create("ws://127.0.0.1:" + httpPort + "/v2"),
                Optional.empty(), Optional.empty());
        port = new WebSocketTunnel(vertx, options).start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        tlsMode("require");
        vertx.close();
    }

    static void tlsMode(String mode) {
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON)
                .body(Map.of("mode", mode)).put("/api/v1/tls").then().statusCode(200);
    }

    static Connection connect(String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("sslmode", "disable");
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DB, props);
    }

    @Test
    void pgJdbcRunsPreparedStatementsThroughTheTunnel() throws Exception {
        try (Connection c = connect("tunnel-jdbc");
             PreparedStatement s = c.prepareStatement("SELECT current_user, ?::int * 2")) {
            for (int i = 0; i < 10; i++) { // past pgJDBC's prepareThreshold: server-side statements too
                s.setInt(1, i);
                try (ResultSet r = s.executeQuery()) {
                    assertTrue(r.next());
                    assertEquals(pg.scramUser(), r.getString(1));
                    assertEquals(i * 2, r.getInt(2));
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String clients;
        do {
            clients = GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/clients").asString();
        } while (clients.contains("tunnel-jdbc") && System.nanoTime() < deadline);
        assertFalse(clients.contains("tunnel-jdbc"), "the session ended with its connection: " + clients);
    }

    @Test
    void psqlAndPgbenchPreparedWorkThroughTheTunnel() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")) && Files.isExecutable(Path.of("/usr/bin/pgbench")));
        String conninfo = "host=127.0.0.1 port=" + port + " dbname=" + DB + " user=" + USER + " sslmode=disable connect_timeout=10";
        assertEquals(pg.scramUser(), run(List.of("psql", conninfo, "-At", "-c", "SELECT current_user")));
        Path script = Files.createTempFile("tunnel-", ".sql");
        Files.writeString(script, "SELECT 1;\n");
        String out = run(List.of("pgbench", "-n", "-M", "prepared", "-c", "4", "-t", "50", "-f", script.toString(),
                "postgresql://" + USER + "@127.0.0.1:" + port + "/" + DB + "?sslmode=disable"));
        assertTrue(out.contains("number of transactions actually processed: 200/200"), out);
    }

    /** More connections at once than Vert.x's default WebSocket limit (50): none waits for another to end. */
    @Test
    void sixtyConnectionsAtOnceAreEachCarried() throws Exception {
        List<Connection> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                open.add(connect("tunnel-many"));
            }
            for (Connection c : open) {
                try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
                    assertTrue(r.next());
                }
            }
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
    }

    @Test
    void aSessionEndedAtTheGatewayClosesTheLocalConnection() throws Exception {
        try (Connection c = connect("tunnel-killed")) {
            assertTrue(c.isValid(5));
            var clients = GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/clients");
            Integer id = clients.jsonPath().get("find { it.user == '" + USER + "' }.id");
            assertTrue(id != null, clients.asString());
            GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).delete("/api/v1/clients/" + id).then().statusCode(204);
            SQLException e = assertThrows(SQLException.class, () -> {
                try (var s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
            });
            assertTrue(String.valueOf(e.getMessage()).contains("terminating connection")
                    || String.valueOf(e.getSQLState()).startsWith("08"), e.toString());
        }
    }

    @Test
    void aGatewayThatCannotBeReachedClosesTheLocalConnectionAndBadArgumentsAreRefused() throws Exception {
        Vertx other = Vertx.vertx();
        try {
            TunnelOptions nowhere = new TunnelOptions("127.0.0.1", 0, URI.create("ws://127.0.0.1:1/v2"), Optional.empty(), Optional.empty());
            int deadEnd = new WebSocketTunnel(other, nowhere).start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Properties props = new Properties();
            props.setProperty("user", USER);
            props.setProperty("password", PASSWORD);
            props.setProperty("sslmode", "disable");
            props.setProperty("connectTimeout", "10");
            long start = System.nanoTime();
            assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + deadEnd + "/" + DB, props));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(9), "closed at once, not at a timeout");
        } finally {
            other.close();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        for (List<String> args : List.of(List.of("tunnel"), List.of("tunnel", "--url", "https://x/v2"),
                List.of("tunnel", "--url", "wss://x/v2", "--listen", "nowhere"),
                List.of("tunnel", "--url", "ws://x/v2", "--ca-file", "/etc/hostname"),
                List.of("tunnel", "--url", "wss://x/v2", "--bearer-token-file", "/nonexistent"),
                List.of("tunnel", "--url", "wss://x/v2", "--verbose", "yes"),
                List.of("tunnel", "--url", "ws://gateway.example.com/v2", "--bearer-token-file", "/etc/hostname"))) {
            assertEquals(2, TunnelCommand.run(args.toArray(String[]::new), System.out, errors), args.toString());
        }
        String said = err.toString(StandardCharsets.UTF_8);
        for (String expected : List.of("--url is required", "must be wss://", "--listen must be host:port",
                "--ca-file applies to wss:// only", "cannot be read", "unknown option --verbose",
                "--bearer-token-file needs wss://")) {
            assertTrue(said.contains(expected), expected + " in " + said);
        }
    }

    @Test
    void theBearerTokenFromItsFileGoesWithEveryUpgradeRequest() throws Exception {
        Vertx ingress = Vertx.vertx();
        try {
            java.util.concurrent.CompletableFuture<String> seen = new java.util.concurrent.CompletableFuture<>();
            int ingressPort = ingress.createHttpServer().requestHandler(request -> {
                seen.complete(request.getHeader("Authorization"));
                request.response().setStatusCode(401).end();
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
            Path token = Files.createTempFile("tunnel-token-", ".txt");
            Files.writeString(token, "s3cr3t-ingress-token\n");
            TunnelOptions options = TunnelOptions.parse(List.of("--url", "ws://127.0.0.1:" + ingressPort + "/v2",
                    "--listen", "127.0.0.1:0", "--bearer-token-file", token.toString()));
            int local = new WebSocketTunnel(ingress, options).start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", local)) {
                client.setSoTimeout(10_000);
                assertEquals("Bearer s3cr3t-ingress-token", seen.get(10, TimeUnit.SECONDS));
                assertEquals(-1, client.getInputStream().read(), "a refused upgrade closes the local connection");
            }
        } finally {
            ingress.close();
        }
    }

    private static String run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", PASSWORD);
        Process p = builder.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
