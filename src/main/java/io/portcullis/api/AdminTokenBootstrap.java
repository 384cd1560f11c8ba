package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.VersionConflictException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes sure the management API can be reached on first start. With {@code portcullis.admin-token}
 * (env {@code PORTCULLIS_ADMIN_TOKEN}) set, the admin token named {@value #TOKEN_NAME} has that
 * token's hash (updated when the setting changes). Without it, and with no admin token stored, one
 * is generated, only its hash is stored, and it is printed once.
 *
 * <p>A bootstrap token revoked through the API ({@code DELETE /api/v1/tokens/bootstrap}) stays revoked: its
 * hash is remembered in the configuration ({@link GatewayConfig#revokedBootstrapTokens()}), and a configured
 * token with that hash is not installed again, only a different one. The API cannot lose its last admin
 * token that way: revoking the last one is refused.
 */
@ApplicationScoped
public class AdminTokenBootstrap {

    public static final String ADMIN_TOKEN = "portcullis.admin-token";
    public static final String TOKEN_NAME = "bootstrap";
    /** Shorter configured tokens are refused: an admin token must not be guessable. */
    public static final int MIN_TOKEN_LENGTH = 16;
    /** Concurrent writers (other replicas starting) can make a conditional write fail; this many tries, then give up. */
    static final int GENERATE_ATTEMPTS = 5;

    private static final Logger LOG = Logger.getLogger(AdminTokenBootstrap.class);

    void onStart(@Observes StartupEvent event, ConfigStore store,
                 @ConfigProperty(name = ADMIN_TOKEN) Optional<String> configured) {
        ensure(store, configured, new SecureRandom());
    }

    /**
     * @return the token generated on this call, if one was
     * @throws ConfigException when the configured token is shorter than {@value #MIN_TOKEN_LENGTH}
     */
    static Optional<String> ensure(ConfigStore store, Optional<String> configured, SecureRandom random) {
        Optional<String> token = configured.map(String::strip).filter(t -> !t.isEmpty());
        if (token.isPresent()) {
            if (token.get().length() < MIN_TOKEN_LENGTH || token.get().length() > ApiTokens.MAX_TOKEN_LENGTH) {
                throw new ConfigException(ADMIN_TOKEN + " must be " + MIN_TOKEN_LENGTH + " to " + ApiTokens.MAX_TOKEN_LENGTH
                        + " characters long (e.g. 'openssl rand -base64 32'), not " + token.get().length());
            }
            installIfChanged(store, ApiTokens.sha256Hex(token.get()));
            return Optional.empty();
        }
        for (int attempt = 0; attempt < GENERATE_ATTEMPTS; attempt++) {
            GatewayConfig seen = store.current();
            if (seen.tokens().stream().anyMatch(t -> ApiToken.ADMIN.equals(t.role()))) {
                return Optional.empty();
            }
            String generated = ApiTokens.generate(random);
            try {
                // Based on the version checked: with a shared store, a replica starting at the same moment may
                // have stored its own admin token since; then that one stands and this one is dropped.
                install(store, seen.version(), ApiTokens.sha256Hex(generated));
            } catch (VersionConflictException e) {
                continue;
            }
            // The one place a secret is logged, on purpose and once: nobody could reach the API otherwise,
            // and only the hash is kept. Set portcullis.admin-token to choose the token instead.
            LOG.warnf("Generated the admin API token (shown only this once; only its hash is stored): %s", generated);
            return Optional.of(generated);
        }
        throw new ConfigException("cannot store a generated admin token: the configuration kept changing during "
                + GENERATE_ATTEMPTS + " attempts; set " + ADMIN_TOKEN + " instead");
    }

    private static void installIfChanged(ConfigStore store, String hash) {
        GatewayConfig current = store.current();
        boolean installed = current.tokens().stream().anyMatch(t -> t.name().equals(TOKEN_NAME)
                && ApiToken.ADMIN.equals(t.role()) && ApiTokens.sameHash(t.sha256Hex(), hash));
        if (installed) {
            return;
        }
        if (current.revokedBootstrapTokens().stream().anyMatch(revoked -> ApiTokens.sameHash(revoked, hash))) {
            LOG.warnf("Not installing the admin API token from %s: that token was revoked through the API "
                    + "(DELETE /api/v1/tokens/%s) and stays revoked. Set a new token to install one, or unset %s "
                    + "to keep using the admin tokens created through the API", ADMIN_TOKEN, TOKEN_NAME, ADMIN_TOKEN);
            return;
        }
        install(store, hash);
        LOG.infof("Installed the admin API token from %s as token '%s'", ADMIN_TOKEN, TOKEN_NAME);
    }

    private static void install(ConfigStore store, String hash) {
        install(store, ConfigStore.ANY_VERSION, hash);
    }

    private static void install(ConfigStore store, long expectedVersion, String hash) {
        store.update(expectedVersion, config -> {
            List<ApiToken> tokens = new ArrayList<>();
            for (ApiToken t : config.tokens()) {
                if (!t.name().equals(TOKEN_NAME)) {
                    tokens.add(t);
                }
            }
            tokens.add(new ApiToken(TOKEN_NAME, ApiToken.ADMIN, hash));
            return config.withTokens(tokens);
        });
    }
}
