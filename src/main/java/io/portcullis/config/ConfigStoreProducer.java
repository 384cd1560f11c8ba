package io.portcullis.config;

import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Makes the one {@link ConfigStore} of the application, chosen at run time by {@code portcullis.config.store}
 * so that one build (JVM or native) serves both: {@code file} (default) is the embedded {@link FileConfigStore},
 * {@code postgresql} the shared {@link PostgresConfigStore} that several replicas use together (its settings read
 * by {@link PostgresStoreSettings#from}). The PostgreSQL driver is only loaded when that store is selected. The
 * entry point selects {@value SettingNames#STORE_FILE_IF_PRESENT} for {@code copy-store}: the file store when the
 * data directory holds a configuration, else a {@link MemoryConfigStore}.
 * Produced at startup so that an unreadable configuration
 * or an unreachable store stops the gateway before it listens, with a message naming the setting.
 *
 * <p>{@code @ApplicationScoped}, not {@code @Singleton}: beans that Quarkus creates during static
 * initialization (REST filters and mappers) inject the store, and without a client proxy the store would be
 * created then, which the native image runs at build time, baking the build machine's configuration in.
 */
@ApplicationScoped
public class ConfigStoreProducer {

    private static final Logger LOG = Logger.getLogger(ConfigStoreProducer.class);

    @Produces
    @ApplicationScoped
    @Startup
    @DefaultBean
    ConfigStore configStore(
            @ConfigProperty(name = SettingNames.CONFIG_STORE, defaultValue = SettingNames.STORE_FILE) String kind,
            @ConfigProperty(name = SettingNames.DATA_DIR, defaultValue = SettingNames.DATA_DIR_DEFAULT) String dataDir,
            @ConfigProperty(name = "portcullis.listen.enabled", defaultValue = "true") boolean serving,
            Config config,
            Event<ConfigChanged> events) {
        String selected = kind.strip().toLowerCase(Locale.ROOT);
        if (serving && SettingNames.STORE_FILE_IF_PRESENT.equals(selected)) {
            // The command's own choice; a gateway on it could run from a configuration that lives in memory only.
            throw new ConfigException(SettingNames.CONFIG_STORE + " must be " + SettingNames.STORE_FILE + " or "
                    + SettingNames.STORE_POSTGRESQL + ", not '" + kind + "' (which only the copy-store command uses)");
        }
        return switch (selected) {
            case SettingNames.STORE_FILE -> new FileConfigStore(Path.of(dataDir), events::fire);
            case SettingNames.STORE_FILE_IF_PRESENT -> holdsConfiguration(Path.of(dataDir))
                    ? new FileConfigStore(Path.of(dataDir), events::fire) : MemoryConfigStore.forCommand(events::fire);
            case SettingNames.STORE_POSTGRESQL -> {
                PostgresStoreSettings settings = PostgresStoreSettings.from(config);
                LOG.infof("Configuration store: %s", settings);
                yield new PostgresConfigStore(settings, events::fire);
            }
            default -> throw new ConfigException(SettingNames.CONFIG_STORE + " must be " + SettingNames.STORE_FILE
                    + " or " + SettingNames.STORE_POSTGRESQL + ", not '" + kind + "'");
        };
    }

    /** Whether the file store would load something from {@code dataDir}: its file or the backup. */
    private static boolean holdsConfiguration(Path dataDir) {
        return Files.exists(dataDir.resolve(FileConfigStore.CONFIG_FILE))
                || Files.exists(dataDir.resolve(FileConfigStore.BACKUP_FILE));
    }

    void close(@Disposes ConfigStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
