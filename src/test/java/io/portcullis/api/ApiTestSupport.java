package io.portcullis.api;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static io.restassured.RestAssured.given;

/** Requests as the test admin (the token {@code GatewayTestResource} configures). */
final class ApiTestSupport {

    private ApiTestSupport() {
    }

    static RequestSpecification asAdmin() {
        return as(ADMIN_TOKEN_VALUE);
    }

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    static String database(String host, int port, String user, String password) {
        return "{\"host\":\"" + host + "\",\"port\":" + port + ",\"user\":\"" + user + "\""
                + (password == null ? "" : ",\"password\":\"" + password + "\"") + "}";
    }
}
