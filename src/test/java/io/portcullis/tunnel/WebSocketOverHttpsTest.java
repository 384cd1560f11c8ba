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
            return Map.of("portcullis.api.tls", "gateway", "portcullis.websocket.cleartext-password", "false");
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
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1));
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
