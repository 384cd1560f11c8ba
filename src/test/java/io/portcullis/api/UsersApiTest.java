package io.portcullis.api;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import io.portcullis.auth.AuthSettings;
import io.portcullis.auth.PasswordVerifiers;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.FileConfigStore;
import io.portcullis.config.UserConfig;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

import static io.portcullis.api.ApiTestSupport.asAdmin;
import static io.portcullis.api.ApiTestSupport.database;
import static io.portcullis.api.DatabasesApiTest.problem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = FreshDataDir.class, scope = TestResourceScope.MATCHING_RESOURCES)
class UsersApiTest {

    private static final String PASSWORD = "Alice-Pass-58c1";

    @Inject
    ConfigStore store;
    @Inject
    AuthSettings auth;
    @ConfigProperty(name = "portcullis.data-dir")
    String dataDir;

    @Test
    void createsAScramUserAndNeverShowsItsVerifier() throws Exception {
        asAdmin().body(database("h", 1, "u", null)).put("/api/v1/databases/alice-db").then().statusCode(201);
        Response created = asAdmin().body("{\"password\":\"" + PASSWORD + "\",\"databases\":[\"alice-db\"]}")
                .put("/api/v1/users/alice");
        created.then().statusCode(201)
                .header("ETag", notNullValue())
                .body("name", equalTo("alice"))
                .body("auth", equalTo("scram-sha-256"))
                .body("databases", contains("alice-db"))
                .body("admin", equalTo(false))
                .body("passwordSet", equalTo(true));
        assertNoSecrets(created.asString());
        assertNoSecrets(asAdmin().get("/api/v1/users/alice").then().statusCode(200).extract().asString());
        assertNoSecrets(asAdmin().get("/api/v1/users").then().statusCode(200).extract().asString());

        UserConfig stored = store.current().user("alice").orElseThrow();
        assertTrue(stored.scramVerifier().startsWith("SCRAM-SHA-256$" + auth.scramIterations() + ":"),
                "made with portcullis.auth.scram-iterations (" + auth.scramIterations() + " in tests)");
        assertTrue(scramVerifies(stored.scramVerifier(), PASSWORD), "the stored verifier verifies the password");
        assertFalse(scramVerifies(stored.scramVerifier(), PASSWORD + "x"));
        assertNull(stored.md5Hash());
        String file = Files.readString(Path.of(dataDir, FileConfigStore.CONFIG_FILE));
        assertFalse(file.contains(PASSWORD), "config.json must not hold the clear password");

        // Replacing without a password keeps the verifier.
        asAdmin().body("{\"admin\":true}").put("/api/v1/users/alice")
                .then().statusCode(200).body("admin", equalTo(true)).body("databases", empty())
                .body("passwordSet", equalTo(true));
        assertEquals(stored.scramVerifier(), store.current().user("alice").orElseThrow().scramVerifier());

        asAdmin().delete("/api/v1/users/alice").then().statusCode(204);
        problem(asAdmin().get("/api/v1/users/alice"), 404, "user 'alice' does not exist");
    }

    @Test
    void storesMd5UsersAsPostgresMd5Hashes() {
        asAdmin().body("{\"password\":\"" + PASSWORD + "\",\"auth\":\"md5\"}").put("/api/v1/users/bob")
                .then().statusCode(201).body("auth", equalTo("md5")).body("passwordSet", equalTo(true));
        UserConfig stored = store.current().user("bob").orElseThrow();
        assertEquals(PasswordVerifiers.md5("bob", PASSWORD), stored.md5Hash());
        assertNull(stored.scramVerifier());

        problem(asAdmin().body("{\"auth\":\"scram-sha-256\"}").put("/api/v1/users/bob"), 400,
                "password is required to change auth from md5 to scram-sha-256");
        asAdmin().body("{\"auth\":\"scram-sha-256\",\"password\":\"new-pass-1\"}").put("/api/v1/users/bob")
                .then().statusCode(200).body("auth", equalTo("scram-sha-256"));
        UserConfig changed = store.current().user("bob").orElseThrow();
        assertTrue(scramVerifies(changed.scramVerifier(), "new-pass-1"));
        assertNull(changed.md5Hash(), "the old md5 hash is dropped");
    }

    @Test
    void certUsersHaveNoPassword() {
        asAdmin().body("{\"auth\":\"cert\"}").put("/api/v1/users/carol")
                .then().statusCode(201).body("auth", equalTo("cert")).body("passwordSet", equalTo(false));
        problem(asAdmin().body("{\"auth\":\"cert\",\"password\":\"x-123456\"}").put("/api/v1/users/carol"), 400,
                "password is not used with auth cert");
    }

    @Test
    void refusesInvalidUsers() {
        problem(asAdmin().body("{}").put("/api/v1/users/dave"), 400,
                "password is required to create a user with auth scram-sha-256");
        problem(asAdmin().body("{\"password\":\"\"}").put("/api/v1/users/dave"), 400, "password must not be empty");
        problem(asAdmin().body("{\"password\":\"p-123456\",\"auth\":\"kerberos\"}").put("/api/v1/users/dave"), 400,
                "auth must be one of scram-sha-256, md5, cert, not 'kerberos'");
        problem(asAdmin().body("{\"password\":\"p-123456\",\"databases\":[\"nope\"]}").put("/api/v1/users/dave"), 400,
                "databases lists 'nope', which does not exist");
        problem(asAdmin().body("{\"password\":\"p-123456\",\"databases\":\"nope\"}").put("/api/v1/users/dave"), 400,
                "databases must be an array");
        problem(asAdmin().body("{\"password\":\"p-123456\",\"admin\":\"yes\"}").put("/api/v1/users/dave"), 400,
                "admin must be true or false");
        problem(asAdmin().body("{\"password\":\"p-123456\",\"verifier\":\"x\"}").put("/api/v1/users/dave"), 400,
                "unknown field 'verifier'");
        problem(asAdmin().body("{\"password\":\"p-123456\"}").put("/api/v1/users/da ve"), 400, "user name 'da ve'");
        problem(asAdmin().body("{\"password\":\"p-123456\",\"passwordSet\":true}").put("/api/v1/users/dave"), 400,
                "passwordSet is read-only");
        asAdmin().get("/api/v1/users/dave").then().statusCode(404);
    }

    private static void assertNoSecrets(String body) {
        assertFalse(body.contains(PASSWORD), body);
        assertFalse(body.contains("SCRAM-SHA-256$"), body);
        assertFalse(body.contains("md5") && body.matches("(?s).*md5[0-9a-f]{32}.*"), body);
        assertFalse(body.contains("password\""), body);
    }

    /** Recomputes StoredKey and ServerKey from the password, as a server verifying a login would. */
    static boolean scramVerifies(String verifier, String password) {
        String[] parts = verifier.split("[$:]");
        // SCRAM-SHA-256 $ iterations : salt $ storedKey : serverKey
        int iterations = Integer.parseInt(parts[1]);
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] salted = ScramFunctions.saltedPassword(ScramMechanism.SCRAM_SHA_256,
                StringPreparation.POSTGRESQL_PREPARATION, password.toCharArray(), salt, iterations);
        byte[] storedKey = ScramFunctions.storedKey(ScramMechanism.SCRAM_SHA_256,
                ScramFunctions.clientKey(ScramMechanism.SCRAM_SHA_256, salted));
        byte[] serverKey = ScramFunctions.serverKey(ScramMechanism.SCRAM_SHA_256, salted);
        return Arrays.equals(storedKey, Base64.getDecoder().decode(parts[3]))
                && Arrays.equals(serverKey, Base64.getDecoder().decode(parts[4]));
    }
}
