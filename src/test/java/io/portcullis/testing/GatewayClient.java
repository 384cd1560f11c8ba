package io.portcullis.testing;

import io.portcullis.testing.GatewayTestResource;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;

/** What a gateway test does again and again: configure through the REST API, connect with pgJDBC. */
public final class GatewayClient {

    private GatewayClient() {
    }

    /**
     * A request to the REST API. Static {@code @BeforeAll} methods run before Quarkus points
     * RestAssured at the random test port, so the port is read from the running app's config.
     */
    public static io.restassured.specification.RequestSpecification api() {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.test-port", Integer.class).orElse(0);
        // 0 in a @QuarkusIntegrationTest's own JVM: there Quarkus has set RestAssured's port already.
        return port > 0 ? RestAssured.given().baseUri("http://127.0.0.1").port(port) : RestAssured.given();
    }

    /** The HTTP port: the test's random one, or in a {@code @QuarkusIntegrationTest}'s JVM the one RestAssured was given. */
    public static int httpPort() {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.test-port", Integer.class).orElse(0);
        return port > 0 ? port : RestAssured.port;
    }

    public static int gatewayPort() {
        return Integer.parseInt(setting(GatewayTestResource.LISTEN_PORT));
    }

    public static Path dataDir() {
        return Path.of(setting(GatewayTestResource.DATA_DIR));
    }

    /**
     * A setting the test resource gave the application. A {@code @QuarkusIntegrationTest} runs the
     * application in another process, so its values are read from the resource itself first.
     */
    private static String setting(String key) {
        String value = GatewayTestResource.lastStarted().get(key);
        return value != null ? value : ConfigProvider.getConfig().getValue(key, String.class);
    }

    /** The gateway's own certificate, which a verify-full client trusts as its root. */
    public static Path serverCertificate() {
        return dataDir().resolve("tls").resolve("server.crt");
    }

    public static void putDatabase(String name, Map<String, Object> body) {
        api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON).body(body)
                .put("/api/v1/databases/" + name)
                .then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
    }

    public static void deleteDatabase(String name) {
        api().auth().oauth2(ADMIN_TOKEN_VALUE).delete("/api/v1/databases/" + name);
    }

    public static void putUser(String name, Map<String, Object> body) {
        api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON).body(body)
                .put("/api/v1/users/" + name)
                .then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
    }

    public static String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + gatewayPort() + "/" + database;
    }

    /** TLS required, certificate not checked: what {@code sslmode=require} means in libpq and pgJDBC. */
    public static Connection connect(String database, String user, String password) throws SQLException {
        return connect(database, user, password, Map.of());
    }

    public static Connection connect(String database, String user, String password, Map<String, String> extra)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("sslmode", "require");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "60");
        props.putAll(extra);
        return DriverManager.getConnection(url(database), props);
    }
}
