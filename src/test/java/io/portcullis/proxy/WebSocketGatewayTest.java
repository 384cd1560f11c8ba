package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.WebSocketPgClient;
import io.portcullis.testing.WebSocketPgClient.Message;
import io.portcullis.wire.FrontendMessages;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL over WebSocket on the HTTP port ({@code GET /v2}), against the real PostgreSQL, message by message.
 * The test HTTP server is plain HTTP; a request from 127.0.0.1 comes from a trusted proxy (the test profile trusts
 * exactly that address), so {@code X-Forwarded-Proto: https} from there makes the session a TLS one, as Knative's
 * queue-proxy does; from 127.0.0.2 the same header is a stranger's claim and is ignored. TLS mode is
 * {@code require} throughout.
 */
@QuarkusTest
class WebSocketGatewayTest {

    static final String DB = "ws_pg";
    static final String USER = "ws_client";
    static final String MD5_USER = "ws_md5_client";
    static final String PASSWORD = "ws-client-pass";
    static final Map<String, String> VIA_HTTPS_PROXY = Map.of("X-Forwarded-Proto", "https");
    private static PostgresServer pg;

    @BeforeAll
    static void configure() {
        pg = Backends.postgres();
        GatewayClient.putDatabase(DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        GatewayClient.putUser(MD5_USER, Map.of("password", PASSWORD, "auth", "md5"));
    }

    static int httpPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    static Buffer startup(String user) {
        return FrontendMessages.startupMessage(Map.of("user", user, "database", DB, "application_name", "ws-test"));
    }

    @Test
    void behindAnHttpsProxyThePasswordIsAskedInClearAndPipeliningItWorksAsNeonsDriverDoes() throws Exception {
        for (String user : List.of(USER, MD5_USER)) {
            try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, null)) {
                // Neon's pipelineConnect "password": startup and password sent before any answer.
                ws.send(startup(user)).send(FrontendMessages.passwordMessage(PASSWORD));
                Message ask = ws.next();
                assertEquals('R', ask.type());
                assertEquals(3, ask.body().getInt(0), "AuthenticationCleartextPassword for " + user);
                Message ok = ws.next();
                assertEquals('R', ok.type());
                assertEquals(0, ok.body().getInt(0), "AuthenticationOk for " + user);
                ws.nextOf("Z");
                ws.send(FrontendMessages.query("SELECT current_user"));
                Message row = ws.nextOf("DE");
                assertEquals('D', row.type(), () -> row.fields().toString());
                assertTrue(row.body().toString().contains(pg.scramUser()), row.body().toString());
                ws.nextOf("Z");
            }
        }
    }

    /** Startup, password and a first query in one message: each is taken in turn, nothing is lost or refused. */
    @Test
    void aQueryPipelinedBehindStartupAndPasswordIsAnswered() throws Exception {
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, null)) {
            ws.send(Buffer.buffer().appendBuffer(startup(USER)).appendBuffer(FrontendMessages.passwordMessage(PASSWORD))
                    .appendBuffer(FrontendMessages.query("SELECT 'pipelined' AS early")));
            assertEquals(3, ws.next().body().getInt(0));
            assertEquals(0, ws.nextOf("R").body().getInt(0));
            ws.nextOf("Z");
            Message row = ws.nextOf("DE");
            assertEquals('D', row.type(), () -> row.fields().toString());
            assertTrue(row.body().toString().contains("pipelined"));
        }
    }

    @Test
    void aWrongPasswordIsRefusedAsOverTcp() throws Exception {
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, null)) {
            ws.send(startup(USER));
            assertEquals(3, ws.next().body().getInt(0));
            ws.send(FrontendMessages.passwordMessage("not-the-password"));
            Message error = ws.nextOf("E");
            assertEquals("28P01", error.fields().get('C'));
        }
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, null)) {
            ws.send(startup("nobody_here"));
            assertEquals(3, ws.next().body().getInt(0), "an unknown user is asked the same way");
            ws.send(FrontendMessages.passwordMessage(PASSWORD));
            assertEquals("28P01", ws.nextOf("E").fields().get('C'));
        }
    }

    @Test
    void withoutHttpsALoginIsRefusedWhenTlsIsRequired() throws Exception {
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), Map.of(), null)) {
            ws.send(FrontendMessages.sslRequest());
            assertEquals('N', ws.nextByte(), "no TLS inside the stream");
            ws.send(startup(USER));
            Message error = ws.nextOf("E");
            assertEquals("28000", error.fields().get('C'));
            assertTrue(error.fields().get('M').contains("wss://"), error.fields().toString());
        }
        // A stranger's X-Forwarded-Proto is not believed.
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, "127.0.0.2")) {
            ws.send(startup(USER));
            assertEquals("28000", ws.nextOf("E").fields().get('C'));
        }
    }

    @Test
    void textFramesOtherOriginsAndPlainRequestsAreRefused() throws Exception {
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, null)) {
            ws.sendText("SELECT 1");
            assertEquals((short) 1003, ws.awaitClosed());
        }
        Exception refused = assertThrows(Exception.class, () -> WebSocketPgClient.open(httpPort(),
                Map.of("Origin", "https://evil.example.test"), null));
        assertTrue(refused.toString().contains("403"), refused.toString());
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), Map.of("Origin", "https://app.example.test",
                "X-Forwarded-Proto", "https"), null)) {
            ws.send(startup(USER)).send(FrontendMessages.passwordMessage(PASSWORD));
            ws.nextOf("Z");
        }
        GatewayClient.api().get("/v2").then().statusCode(426);
    }

    /**
     * A WebSocket client that sends a query with a 200 MB answer and never reads: the gateway stops reading the
     * server connection once the client's write queue is full, so the PostgreSQL backend waits to write
     * ({@code wait_event = ClientWrite}) instead of the gateway holding its answer in memory.
     */
    @Test
    void aClientThatNeverReadsHoldsTheBackendInsteadOfTheGatewaysMemory() throws Exception {
        String marker = "ws_backpressure_" + System.nanoTime();
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, null)) {
            ws.send(startup(USER)).send(FrontendMessages.passwordMessage(PASSWORD));
            ws.nextOf("Z");
            ws.stopReading();
            ws.send(FrontendMessages.query("SELECT repeat('x', 1000) AS " + marker + " FROM generate_series(1, 200000)"));
            String waiting = null;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            try (var direct = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword())) {
                while (System.nanoTime() < deadline && !"ClientWrite".equals(waiting)) {
                    Thread.sleep(200);
                    try (var s = direct.prepareStatement("SELECT wait_event FROM pg_stat_activity WHERE query LIKE ? AND state = 'active' AND pid <> pg_backend_pid()")) {
                        s.setString(1, "%" + marker + "%");
                        try (var r = s.executeQuery()) {
                            waiting = r.next() ? r.getString(1) : null;
                        }
                    }
                }
                assertEquals("ClientWrite", waiting, "the backend waits to write its answer");
                Thread.sleep(2000);
                try (var s = direct.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE query LIKE ? AND state = 'active' AND wait_event = 'ClientWrite' AND pid <> pg_backend_pid()")) {
                    s.setString(1, "%" + marker + "%");
                    try (var r = s.executeQuery()) {
                        assertTrue(r.next() && r.getInt(1) == 1, "and still waits 2 s later: nothing drains it into the gateway");
                    }
                }
            }
        }
    }

    /** A CancelRequest sent over a second WebSocket, with the key the first session got, cancels its query. */
    @Test
    void aCancelRequestOverAnotherWebSocketCancelsTheQuery() throws Exception {
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, null)) {
            ws.send(startup(USER)).send(FrontendMessages.passwordMessage(PASSWORD));
            Message key = ws.nextOf("K");
            ws.nextOf("Z");
            ws.send(FrontendMessages.query("SELECT pg_sleep(20)"));
            Thread.sleep(300); // the query reaches the backend
            long start = System.nanoTime();
            try (WebSocketPgClient canceller = WebSocketPgClient.open(httpPort(), Map.of(), null)) {
                canceller.send(FrontendMessages.cancelRequest(key.body().getInt(0), key.body().getInt(4)));
                Message error = ws.nextOf("E");
                assertEquals("57014", error.fields().get('C'), error.fields().toString());
            }
            assertTrue(System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(10), "cancelled, not finished");
            ws.nextOf("Z");
        }
    }

    /**
     * A frame over quarkus.http.websocket-server.max-frame-size (256 KiB) never reaches the session: the connection is
     * closed without an answer. One under it does (zeros are no startup packet: 08P01). Compression, which would let a
     * small frame inflate without a bound, is never agreed.
     */
    @Test
    void aFrameOverTheLimitClosesTheWebSocketUnread() throws Exception {
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, null)) {
            ws.send(Buffer.buffer(new byte[128 * 1024]));
            assertEquals("08P01", ws.nextOf("E").fields().get('C'), "a frame under the limit is read");
        }
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, null)) {
            try {
                ws.send(Buffer.buffer(new byte[512 * 1024]));
            } catch (Exception closedWhileSending) {
                // the server may close before the whole frame is out
            }
            ws.awaitClosed();
            assertEquals(0, ws.unread(), "closed without reading it");
        }
        assertEquals("HTTP/1.1 101 Switching Protocols | ", WebSocketPgClient.negotiatedExtensions(httpPort()),
                "upgraded, and no compression agreed");
    }

    @Test
    void theTransportLabelsTheConnectionMetric() throws Exception {
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), VIA_HTTPS_PROXY, null)) {
            ws.send(startup(USER)).send(FrontendMessages.passwordMessage(PASSWORD));
            ws.nextOf("Z");
        }
        try (var c = GatewayClient.connect(DB, USER, PASSWORD)) {
            assertTrue(c.isValid(5));
        }
        String metrics = GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("portcullis_client_connections_total{transport=\"websocket\"}"), metrics);
        assertTrue(metrics.contains("portcullis_client_connections_total{transport=\"tcp\"}"), metrics);
    }

    /**
     * Behind a proxy that appends to X-Forwarded-For, the first entry is the client's own claim: the last one, which
     * the trusted proxy added, is the address counted; a value that is no IP address counts as the proxy's.
     */
    @Test
    void theForwardedAddressIsTheOneTheTrustedProxyAdded() throws Exception {
        for (Map.Entry<String, String> forwarded : Map.of("198.51.100.9, 203.0.113.8", "203.0.113.8",
                "unknown", "127.0.0.1").entrySet()) {
            try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), Map.of("X-Forwarded-Proto", "https",
                    "X-Forwarded-For", forwarded.getKey()), null)) {
                ws.send(startup(USER)).send(FrontendMessages.passwordMessage(PASSWORD));
                ws.nextOf("Z");
                java.util.List<String> addresses = GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                        .get("/api/v1/clients").jsonPath().getList("findAll { it.user == '" + USER + "' }.address", String.class);
                assertTrue(addresses.contains(forwarded.getValue()), forwarded + " counted as " + addresses);
                assertFalse(addresses.contains("198.51.100.9"), "the client's own claim is not believed");
            }
        }
    }

    @Test
    void theClientListShowsAWebSocketSessionWithItsAddress() throws Exception {
        try (WebSocketPgClient ws = WebSocketPgClient.open(httpPort(), Map.of("X-Forwarded-Proto", "https",
                "X-Forwarded-For", "203.0.113.7"), null)) {
            ws.send(startup(USER)).send(FrontendMessages.passwordMessage(PASSWORD));
            ws.nextOf("Z");
            GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                    .get("/api/v1/clients").then().statusCode(200)
                    .body("find { it.address == '203.0.113.7' }.user", equalTo(USER));
        }
    }
}
