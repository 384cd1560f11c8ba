package io.portcullis.log;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.LogCapture;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.RawClient;
import io.portcullis.testing.RawLogin;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Text from outside (a startup packet's user and database names, a self-signed certificate's common name, a
 * CSR's subject) with line breaks in it reaches the log as one escaped line: it cannot forge a log entry.
 */
@QuarkusTest
class LogInjectionTest {

    private static final String DB = "loginject_qdb";
    /** Every character some log reader takes as the end of a line. */
    private static final String LINE_BREAKS = "\n\r\u000b\u000c\u0085\u2028\u2029";

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 1));
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    @Test
    void lineBreaksFromOutsideAreEscapedInEveryLogLine() throws Exception {
        String forgedUser = "mallory\nio.portcullis.connections login ok user=\"admin\"\u2028fake\u0085line\rend";
        String forgedDatabase = "nodb\nio.portcullis.audit token 'bootstrap' deleted database 'qdb'";
        String forgedName = "localhost\nio.portcullis.audit forged";
        try (LogCapture logs = LogCapture.start()) {
            InetAddress from = InetAddress.getByAddress(new byte[]{127, 0, 7, 1});
            try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort(), from)) {
                assertEquals("28P01", RawLogin.login(raw, DB, forgedUser, "whatever").error().get('C'));
            }
            try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort(), from)) {
                assertEquals("3D000", RawLogin.login(raw, forgedDatabase, "someone", "whatever").error().get('C'));
            }
            admin().body(Map.of("commonName", forgedName, "subjectAltNames", List.of("localhost", "127.0.0.1", "::1"),
                    "validDays", 30)).post("/api/v1/tls/certificate/self-signed").then().statusCode(200);
            admin().body(Map.of("subject", "CN=x\nio.portcullis.audit forged,O=Example", "subjectAltNames", List.of("localhost")))
                    .post("/api/v1/tls/csr").then().statusCode(200);

            String user = logs.await(l -> l.contains("login failed") && l.contains("mallory"), Duration.ofSeconds(10));
            String database = logs.await(l -> l.contains("login failed") && l.contains("nodb"), Duration.ofSeconds(10));
            String certificate = logs.await(l -> l.startsWith("io.portcullis.tls") && l.contains("now serving certificate CN=localhost"),
                    Duration.ofSeconds(10));
            String csr = logs.await(l -> l.startsWith("io.portcullis.audit") && l.contains("created a CSR for"), Duration.ofSeconds(10));
            for (String record : logs.records()) {
                if (record.startsWith("io.portcullis")) {
                    for (char lineBreak : LINE_BREAKS.toCharArray()) {
                        assertTrue(record.indexOf(lineBreak) < 0, "a line break (U+" + Integer.toHexString(lineBreak)
                                + ") reached the log: " + record);
                    }
                }
            }
            assertTrue(user.contains("user=\"mallory\\nio.portcullis.connections login ok user=\\\"admin\\\"\\u2028fake\\u0085line\\rend\""), user);
            assertTrue(database.contains("database=\"nodb\\nio.portcullis.audit"), database);
            assertTrue(certificate.contains("CN=localhost\\nio.portcullis.audit forged"), certificate);
            assertTrue(csr.contains("created a CSR for 'CN=x\\nio.portcullis.audit forged"), csr);
        } finally {
            admin().body(Map.of("commonName", "localhost", "subjectAltNames", List.of("localhost", "127.0.0.1", "::1"),
                    "validDays", 30)).post("/api/v1/tls/certificate/self-signed").then().statusCode(200);
        }
    }
}
