package io.portcullis.proxy;

import io.portcullis.testing.GatewayClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code portcullis.websocket.enabled=false}: {@code /v2} is not there (404), upgrade or not. */
@QuarkusTest
@TestProfile(WebSocketDisabledTest.Disabled.class)
class WebSocketDisabledTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portcullis.websocket.enabled", "false");
        }
    }

    @Test
    void theWebSocketPathAnswers404() {
        GatewayClient.api().header("Connection", "Upgrade").header("Upgrade", "websocket")
                .header("Sec-WebSocket-Version", "13").header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .get("/v2").then().statusCode(404);
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () ->
                io.portcullis.testing.WebSocketPgClient.open(
                        org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class),
                        Map.of(), null));
        assertTrue(refused.toString().contains("404"), refused.toString());
    }
}
