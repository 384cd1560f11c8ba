package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.FileConfigStore;
import io.portcullis.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain unit tests of the API's helpers: tokens, bearer parsing, If-Match, bootstrap. */
class ApiUnitsTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void generatesDistinct256BitTokensAndMatchesOnlyTheirHash() {
        String a = ApiTokens.generate(random);
        String b = ApiTokens.generate(random);
        assertEquals(43, a.length());
        assertTrue(a.matches("[A-Za-z0-9_-]+"), a);
        assertTrue(!a.equals(b));
        List<ApiToken> stored = List.of(new ApiToken("a", ApiToken.ADMIN, ApiTokens.sha256Hex(a)),
                new ApiToken("b", ApiToken.VIEWER, ApiTokens.sha256Hex(b)));
        assertEquals("a", ApiTokens.match(stored, a).orElseThrow().name());
        assertEquals("b", ApiTokens.match(stored, b).orElseThrow().name());
        assertTrue(ApiTokens.match(stored, a + "x").isEmpty());
        assertTrue(ApiTokens.match(stored, ApiTokens.sha256Hex(a)).isEmpty(), "the hash itself is not a token");
        assertTrue(ApiTokens.match(stored, null).isEmpty());
        assertTrue(ApiTokens.match(stored, "x".repeat(ApiTokens.MAX_TOKEN_LENGTH + 1)).isEmpty());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ApiTokens.sha256Hex(""));
    }

    @Test
    void parsesBearerCredentials() {
        assertEquals("abc", BearerChallenge.presentedToken("Bearer abc"));
        assertEquals("abc", BearerChallenge.presentedToken("bearer   abc "));
        assertNull(BearerChallenge.presentedToken("Bearer "));
        assertNull(BearerChallenge.presentedToken("Basic abc"));
        assertNull(BearerChallenge.presentedToken("Bearerabc"));
        assertNull(BearerChallenge.presentedToken(null));
        assertEquals("Bearer realm=\"portcullis\"", BearerChallenge.challenge("Basic abc"));
        assertEquals("Bearer realm=\"portcullis\", error=\"invalid_token\"", BearerChallenge.challenge("Bearer abc"));
    }

    @Test
    void oneSettingTurnsTheHttpPortIntoHttps() {
        assertTrue(ApiTlsConfigSourceFactory.derive(null).isEmpty());
        assertTrue(ApiTlsConfigSourceFactory.derive(" off ").isEmpty());
        assertTrue(ApiTlsConfigSourceFactory.derive("").isEmpty());
        assertEquals(java.util.Map.of("quarkus.http.tls-configuration-name", "gateway",
                "quarkus.http.insecure-requests", "disabled",
                "quarkus.http.ssl-port", "${quarkus.http.port:8080}",
                "quarkus.http.test-ssl-port", "${quarkus.http.test-port:8081}"), ApiTlsConfigSourceFactory.derive("gateway"));
        assertEquals("api-files", ApiTlsConfigSourceFactory.derive("api-files").get("quarkus.http.tls-configuration-name"),
                "any other value names a quarkus.tls configuration");
    }

    @Test
    void evaluatesIfMatchAgainstTheConfigurationVersion() {
        GatewayConfig v7 = new GatewayConfig(7, Map.of(), Map.of(), List.of());
        assertEquals(ConfigStore.ANY_VERSION, EntityTags.expectedVersion(null, v7, true));
        assertEquals(ConfigStore.ANY_VERSION, EntityTags.expectedVersion("*", v7, true));
        assertEquals(7, EntityTags.expectedVersion("\"7\"", v7, true));
        assertEquals(7, EntityTags.expectedVersion("\"5\", \"7\"", v7, true));
        assertEquals(412, status(() -> EntityTags.expectedVersion("\"6\"", v7, true)));
        assertEquals(412, status(() -> EntityTags.expectedVersion("W/\"7\"", v7, true)), "weak tags never match");
        assertEquals(412, status(() -> EntityTags.expectedVersion("7", v7, true)), "tags are quoted");
        assertEquals(412, status(() -> EntityTags.expectedVersion("*", v7, false)));
        assertEquals("\"7\"", EntityTags.of(v7).toString());
    }

    private static int status(Runnable r) {
        ApiProblem problem = assertThrows(ApiProblem.class, r::run);
        return problem.type().status();
    }

    @Test
    void bootstrapInstallsAndReplacesTheConfiguredToken(@TempDir Path dir) {
        FileConfigStore store = new FileConfigStore(dir, e -> { });
        AdminTokenBootstrap.ensure(store, Optional.of("first-admin-token-123"), random);
        assertEquals(List.of(new ApiToken("bootstrap", ApiToken.ADMIN, ApiTokens.sha256Hex("first-admin-token-123"))),
                store.current().tokens());
        long version = store.current().version();
        AdminTokenBootstrap.ensure(store, Optional.of("first-admin-token-123"), random);
        assertEquals(version, store.current().version(), "an unchanged token is not rewritten");
        AdminTokenBootstrap.ensure(store, Optional.of("second-admin-token-456"), random);
        assertEquals(List.of(new ApiToken("bootstrap", ApiToken.ADMIN, ApiTokens.sha256Hex("second-admin-token-456"))),
                store.current().tokens(), "a changed setting replaces the hash");
    }

    @Test
    void bootstrapGeneratesATokenOnlyWhenNoAdminTokenExists(@TempDir Path dir) {
        FileConfigStore store = new FileConfigStore(dir, e -> { });
        String generated = AdminTokenBootstrap.ensure(store, Optional.empty(), random).orElseThrow();
        assertEquals(ApiTokens.sha256Hex(generated), store.current().tokens().get(0).sha256Hex());
        assertTrue(AdminTokenBootstrap.ensure(store, Optional.of(" "), random).isEmpty(), "blank means unset");
        assertEquals(1, store.current().tokens().size());
        assertEquals(generated.length(), 43);
    }

    @Test
    void bootstrapRefusesAShortConfiguredToken(@TempDir Path dir) {
        FileConfigStore store = new FileConfigStore(dir, e -> { });
        ConfigException e = assertThrows(ConfigException.class,
                () -> AdminTokenBootstrap.ensure(store, Optional.of("short"), random));
        assertTrue(e.getMessage().contains(AdminTokenBootstrap.ADMIN_TOKEN) && !e.getMessage().contains("short'"),
                e.getMessage());
        assertTrue(store.current().tokens().isEmpty());
    }

    @Test
    void unexpectedErrorsRevealOnlyAnErrorId() {
        jakarta.ws.rs.core.Response response = new ProblemMappers()
                .unexpected(new IllegalStateException("backend password is hunter2"), null);
        assertEquals(500, response.getStatus());
        assertEquals(Problem.MEDIA_TYPE, response.getMediaType().toString());
        Problem problem = (Problem) response.getEntity();
        assertEquals("urn:portcullis:problem:internal", problem.type());
        assertTrue(problem.detail().startsWith("unexpected error; the server log has the details under error id "));
        assertTrue(!problem.detail().contains("hunter2") && !problem.detail().contains("IllegalState"), problem.detail());
    }
}
