package io.portcullis.config;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * Makes the one {@link SecretBox} of the application. Produced at startup so that a malformed
 * {@code portcullis.secret-key} or an unreadable key file stops the gateway before it listens,
 * with a message naming the setting. {@code @Singleton} rather than {@code @ApplicationScoped}:
 * the box is immutable, so it needs no client proxy (and may stay a final class).
 */
@ApplicationScoped
public class SecretBoxProducer {

    @Produces
    @Singleton
    @Startup
    SecretBox secretBox(@ConfigProperty(name = SettingNames.SECRET_KEY) Optional<String> configuredKey,
                        @ConfigProperty(name = SettingNames.DATA_DIR, defaultValue = SettingNames.DATA_DIR_DEFAULT)
                        String dataDir) {
        SecureRandom random = new SecureRandom();
        byte[] key = SecretKeys.resolve(configuredKey, Path.of(dataDir), random);
        try {
            return new SecretBox(key, random);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
