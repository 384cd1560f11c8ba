package io.portcullis.testing;

import io.restassured.http.ContentType;

import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;

/**
 * Changes the process-wide settings through {@code PUT /api/v1/settings}. Every @QuarkusTest shares one
 * application: a test that sets something calls {@link #reset()} afterwards.
 */
public final class TestSettings {

    private TestSettings() {
    }

    /** Replaces the stored overrides with {@code overrides} (everything else back to its default). */
    public static void put(Map<String, Object> overrides) {
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON).body(overrides)
                .put("/api/v1/settings").then().statusCode(200);
    }

    /** Every setting back to its application property. */
    public static void reset() {
        put(Map.of());
    }
}
