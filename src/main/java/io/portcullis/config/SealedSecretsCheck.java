package io.portcullis.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * At startup, before the gateway serves anything: converts backend passwords still sealed in the unbound
 * format {@code v1:} (stores written before secrets were bound to their database) to the bound format, in
 * one configuration write, and then tells the operator when the secret key does not open a stored secret
 * (a changed {@code portcullis.secret-key}, a lost {@code secret.key}, a value copied between databases).
 * It only warns about those: the gateway still starts so that they can be set again through the API.
 *
 * <p>A v1 value is bound to the database it sits in when it is converted. A store that was never converted
 * is therefore as movable as it always was until this runs once; after that, every value is bound and
 * v1 values are never opened for use again.
 */
@ApplicationScoped
public class SealedSecretsCheck {

    private static final Logger LOG = Logger.getLogger(SealedSecretsCheck.class);

    /** Before the wire listener and the pools start on the same event. */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, ConfigStore store,
                 SecretBox secrets) {
        bindUnboundSecrets(store, secrets);
        List<String> unreadable = unreadable(store.current(), secrets);
        if (!unreadable.isEmpty()) {
            LOG.errorf("Stored secrets do not open: %s. Connections to these databases will fail. If the secret key "
                    + "changed, restore the key that sealed them (%s or <data-dir>/%s); otherwise set them again.",
                    String.join("; ", unreadable), SettingNames.SECRET_KEY, SecretKeys.KEY_FILE);
        }
    }

    /**
     * Reseals every v1 password that opens with this key, bound to its database, in one write; writes
     * nothing when there is none (or when another replica converted them first).
     *
     * @return the databases converted
     */
    static List<String> bindUnboundSecrets(ConfigStore store, SecretBox secrets) {
        if (unbound(store.current()).isEmpty()) {
            return List.of();
        }
        List<String> converted = new ArrayList<>();
        try {
            GatewayConfig stored = store.update(ConfigStore.ANY_VERSION, config -> {
                converted.clear();
                Map<String, DatabaseConfig> databases = new TreeMap<>(config.databases());
                for (DatabaseConfig db : unbound(config)) {
                    try {
                        String clear = secrets.openUnbound(db.sealedPassword());
                        databases.put(db.name(), db.withSealedPassword(secrets.seal(clear, SecretBinding.backendPassword(db))));
                        converted.add(db.name());
                    } catch (ConfigException e) {
                        // Left as it is: the check below names it, and a restored key converts it at the next start.
                    }
                }
                if (converted.isEmpty()) {
                    throw new NothingToConvert();
                }
                GatewayConfig next = config;
                for (DatabaseConfig db : databases.values()) {
                    next = next.withDatabase(db);
                }
                return next;
            });
            LOG.infof("Bound the stored backend passwords of database(s) %s to their database, backend address and "
                    + "user (configuration version %d): a sealed password now opens only where it was set",
                    converted, stored.version());
            return List.copyOf(converted);
        } catch (NothingToConvert nothing) {
            return List.of();
        } catch (RuntimeException e) {
            LOG.errorf("The stored backend passwords in the unbound format %s could not be converted now (%s); they "
                    + "do not open until they are: restart once the configuration store accepts writes",
                    SecretBox.UNBOUND_PREFIX, e.getMessage());
            return List.of();
        }
    }

    /** Messages naming each database whose stored secret {@code secrets} cannot open, and why; never a value. */
    static List<String> unreadable(GatewayConfig config, SecretBox secrets) {
        List<String> problems = new ArrayList<>();
        config.databases().values().stream().sorted(java.util.Comparator.comparing(DatabaseConfig::name)).forEach(db -> {
            if (db.hasPassword()) {
                problem(secrets, db.sealedPassword(), SecretBinding.backendPassword(db), problems);
            }
            if (db.hasServerKey()) {
                problem(secrets, db.sealedServerKey(), SecretBinding.serverKey(db), problems);
            }
            if (db.authLookup() != null && db.authLookup().hasPassword()) {
                problem(secrets, db.authLookup().sealedPassword(), SecretBinding.backendPassword(db.forAuthLookup()),
                        problems);
            }
        });
        return problems;
    }

    private static List<DatabaseConfig> unbound(GatewayConfig config) {
        return config.databases().values().stream()
                .filter(db -> db.hasPassword() && db.sealedPassword().startsWith(SecretBox.UNBOUND_PREFIX))
                .toList();
    }

    private static void problem(SecretBox secrets, String sealed, SecretBinding binding, List<String> problems) {
        try {
            secrets.open(sealed, binding);
        } catch (ConfigException e) {
            problems.add(e.getMessage());
        }
    }

    /** Aborts a conversion that found nothing to do, so that it writes no version. */
    private static final class NothingToConvert extends RuntimeException {
        NothingToConvert() {
            super(null, null, false, false);
        }
    }
}
