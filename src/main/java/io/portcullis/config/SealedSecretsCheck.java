package io.portcullis.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Tells the operator at startup, rather than at the first client login, when the secret key does
 * not open the stored backend passwords (a changed {@code portcullis.secret-key}, a lost
 * {@code secret.key}). It only warns: the gateway still starts so that the passwords can be set
 * again through the API.
 */
@ApplicationScoped
public class SealedSecretsCheck {

    private static final Logger LOG = Logger.getLogger(SealedSecretsCheck.class);

    void onStart(@Observes StartupEvent event, ConfigStore store, SecretBox secrets) {
        List<String> unreadable = unreadable(store.current(), secrets);
        if (!unreadable.isEmpty()) {
            LOG.errorf("The secret key does not open the stored backend password of database(s) %s: connections to "
                    + "them will fail. Restore the key that sealed them (%s or <data-dir>/%s) or set the passwords again.",
                    unreadable, SettingNames.SECRET_KEY, SecretKeys.KEY_FILE);
        }
    }

    /** Names of the databases whose sealed password {@code secrets} cannot open. */
    static List<String> unreadable(GatewayConfig config, SecretBox secrets) {
        return config.databases().values().stream()
                .filter(DatabaseConfig::hasPassword)
                .filter(db -> !opens(secrets, db.sealedPassword()))
                .map(DatabaseConfig::name)
                .sorted()
                .toList();
    }

    private static boolean opens(SecretBox secrets, String sealed) {
        try {
            secrets.open(sealed);
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }
}
