package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.FileConfigStore;
import io.portcullis.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bootstrap admin token across restarts: a token revoked through the API stays revoked while the same
 * {@code portcullis.admin-token} is still set; a different one is installed. Each "start" is a new store on the
 * same data directory and the start-up step {@link AdminTokenBootstrap#ensure}, as the application runs it.
 */
class AdminTokenBootstrapTest {

    private static final String CONFIGURED = "configured-admin-token-0001";
    private static final String ROTATED = "rotated-admin-token-0002";

    @TempDir
    Path dataDir;

    @Test
    void aRevokedBootstrapTokenIsNotInstalledAgainAtTheNextStart() throws Exception {
        ConfigStore first = start(CONFIGURED);
        assertEquals(List.of(ApiTokens.sha256Hex(CONFIGURED)), bootstrapHashes(first));
        // What DELETE /api/v1/tokens/bootstrap does, once another admin token exists.
        first.update(ConfigStore.ANY_VERSION, config -> {
            List<ApiToken> tokens = new ArrayList<>(config.tokens());
            tokens.add(new ApiToken("ops", ApiToken.ADMIN, ApiTokens.sha256Hex("ops-admin-token-0003")));
            return config.withTokens(tokens);
        });
        first.update(ConfigStore.ANY_VERSION, config -> TokensResource.revoke(config, AdminTokenBootstrap.TOKEN_NAME));
        assertTrue(bootstrapHashes(first).isEmpty());

        ConfigStore restarted = start(CONFIGURED);
        assertTrue(bootstrapHashes(restarted).isEmpty(), "the revoked token came back with the same setting");
        assertTrue(ApiTokens.match(restarted.current().tokens(), CONFIGURED).isEmpty());
        assertTrue(Files.readString(dataDir.resolve(FileConfigStore.CONFIG_FILE)).contains(ApiTokens.sha256Hex(CONFIGURED)),
                "the revocation is stored");

        ConfigStore rotated = start(ROTATED);
        assertEquals(List.of(ApiTokens.sha256Hex(ROTATED)), bootstrapHashes(rotated), "a different token is installed");
        assertEquals(ApiToken.ADMIN, ApiTokens.match(rotated.current().tokens(), ROTATED).orElseThrow().role());

        ConfigStore back = start(CONFIGURED);
        assertEquals(List.of(ApiTokens.sha256Hex(ROTATED)), bootstrapHashes(back), "going back to the revoked token");
    }

    @Test
    void revokingAnotherTokenRemembersNothing() {
        ConfigStore store = start(CONFIGURED);
        store.update(ConfigStore.ANY_VERSION, config -> {
            List<ApiToken> tokens = new ArrayList<>(config.tokens());
            tokens.add(new ApiToken("dashboard", ApiToken.VIEWER, ApiTokens.sha256Hex("dashboard-token-0004")));
            return config.withTokens(tokens);
        });
        GatewayConfig after = store.update(ConfigStore.ANY_VERSION, config -> TokensResource.revoke(config, "dashboard"));
        assertTrue(after.revokedBootstrapTokens().isEmpty());
        assertFalse(new String(readConfig()).contains("revokedBootstrapTokens"), "an empty list is left out of the file");
    }

    @Test
    void remembersABoundedNumberOfRevokedTokens() {
        GatewayConfig config = GatewayConfig.EMPTY;
        for (int i = 0; i < GatewayConfig.MAX_REVOKED_BOOTSTRAP_TOKENS + 3; i++) {
            config = config.withRevokedBootstrapToken(ApiTokens.sha256Hex("t" + i));
        }
        assertEquals(GatewayConfig.MAX_REVOKED_BOOTSTRAP_TOKENS, config.revokedBootstrapTokens().size());
        assertEquals(ApiTokens.sha256Hex("t" + (GatewayConfig.MAX_REVOKED_BOOTSTRAP_TOKENS + 2)),
                config.revokedBootstrapTokens().get(GatewayConfig.MAX_REVOKED_BOOTSTRAP_TOKENS - 1), "newest last");
    }

    private ConfigStore start(String configuredToken) {
        FileConfigStore store = new FileConfigStore(dataDir, change -> { });
        AdminTokenBootstrap.ensure(store, Optional.of(configuredToken), new SecureRandom());
        return store;
    }

    private byte[] readConfig() {
        try {
            return Files.readAllBytes(dataDir.resolve(FileConfigStore.CONFIG_FILE));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> bootstrapHashes(ConfigStore store) {
        return store.current().tokens().stream().filter(t -> t.name().equals(AdminTokenBootstrap.TOKEN_NAME))
                .map(ApiToken::sha256Hex).toList();
    }
}
