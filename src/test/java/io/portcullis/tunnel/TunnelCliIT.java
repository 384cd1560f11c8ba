package io.portcullis.tunnel;

import io.portcullis.testing.Backends;
import io.portcullis.testing.FreePorts;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PackagedApplication;
import io.portcullis.testing.PostgresServer;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged application's {@code tunnel} command (the native executable's with {@code -Dnative}), in a process of
 * its own, carrying pgJDBC to the packaged gateway's {@code /v2}, then stopped with SIGTERM. The HTTP port is plain
 * HTTP here, so the TLS mode is {@code prefer} while it runs.
 */
@QuarkusIntegrationTest
class TunnelCliIT {

    private static final PackagedApplication APP = PackagedApplication.built();
    static final String DB = "tunnel_cli_pg";
    static final String USER = "tunnel_cli_client";
    static final String PASSWORD = "tunnel-cli-pass";

    @Test
    void theCommandCarriesPgJdbcAndStopsOnSigterm() throws Exception {
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase(DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        tlsMode("prefer");
        int local = FreePorts.next();
        Process tunnel = new ProcessBuilder(APP.command(Map.of(), TunnelCommand.NAME, "--url",
                "ws://127.0.0.1:" + GatewayClient.httpPort() + "/v2", "--listen", "127.0.0.1:" + local))
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(tunnel.getInputStream(), StandardCharsets.UTF_8));
            String first = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            }).get(30, TimeUnit.SECONDS);
            assertTrue(String.valueOf(first).contains("listening on 127.0.0.1:" + local), first);
            Properties props = new Properties();
            props.setProperty("user", USER);
            props.setProperty("password", PASSWORD);
            props.setProperty("sslmode", "disable");
            props.setProperty("connectTimeout", "10");
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + local + "/" + DB, props);
                 ResultSet r = c.createStatement().executeQuery("SELECT current_user")) {
                assertTrue(r.next());
                assertEquals(pg.scramUser(), r.getString(1));
            }
            tunnel.destroy(); // SIGTERM
            assertTrue(tunnel.waitFor(15, TimeUnit.SECONDS), "the tunnel stops on SIGTERM");
        } finally {
            tunnel.destroyForcibly();
            tlsMode("require");
        }
    }

    private static void tlsMode(String mode) {
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON)
                .body(Map.of("mode", mode)).put("/api/v1/tls").then().statusCode(200);
    }
}
