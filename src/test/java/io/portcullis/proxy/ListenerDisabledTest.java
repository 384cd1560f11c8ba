package io.portcullis.proxy;

import io.portcullis.testing.GatewayClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code portcullis.listen.enabled=false}, as {@code PortcullisMain} sets it for one-shot commands: the wire
 * port is not taken, readiness says so, and the rest of the application (the REST API) runs.
 */
@QuarkusTest
@TestProfile(ListenerDisabledTest.Disabled.class)
class ListenerDisabledTest {

    /** The wire listener switched off; everything else as in the other tests. */
    public static final class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portcullis.listen.enabled", "false");
        }
    }

    @Test
    void theWirePortIsNotTakenAndTheApiRuns() {
        assertThrows(ConnectException.class, () -> {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), GatewayClient.gatewayPort())) {
                throw new IOException("connected to the wire port");
            }
        }, "nothing listens on portcullis.listen.port");
        GatewayClient.api().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'wire-listener' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'wire-listener' }.data.port", equalTo(-1));
        GatewayClient.putDatabase("nolisten_db", Map.of("host", "127.0.0.1", "port", 5432, "user", "nobody",
                "password", "not-used", "poolSize", 1));
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/databases/nolisten_db")
                .then().statusCode(200).body("name", equalTo("nolisten_db"));
    }
}
