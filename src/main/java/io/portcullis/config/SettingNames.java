package io.portcullis.config;

/**
 * Names of the settings this package reads (MicroProfile Config, so each also has an environment
 * form such as {@code PORTCULLIS_DATA_DIR}). Public names: see the README before changing one.
 */
public final class SettingNames {

    /** Directory holding {@code config.json}, its backup and {@code secret.key}. */
    public static final String DATA_DIR = "portcullis.data-dir";
    public static final String DATA_DIR_DEFAULT = "./data";

    /** Base64 of the 32-byte key that seals backend passwords; overrides {@code <data-dir>/secret.key}. */
    public static final String SECRET_KEY = "portcullis.secret-key";

    /** Which {@link ConfigStore} holds the configuration: {@value #STORE_FILE} (default) or {@value #STORE_POSTGRESQL}. */
    public static final String CONFIG_STORE = "portcullis.config.store";
    public static final String STORE_FILE = "file";
    public static final String STORE_POSTGRESQL = "postgresql";
    /**
     * Internal, set by the entry point for {@code copy-store}: the data directory's file store when it holds a
     * configuration ({@code config.json} or its backup), else an in-memory one lost at exit, so that starting the
     * command does not turn a data directory without a configuration into one. Never for a gateway.
     */
    public static final String STORE_FILE_IF_PRESENT = "file-if-present";

    /** JDBC URL of the shared store, e.g. {@code jdbc:postgresql://db:5432/portcullis?sslmode=verify-full}. */
    public static final String POSTGRESQL_URL = "portcullis.config.postgresql.url";
    public static final String POSTGRESQL_USERNAME = "portcullis.config.postgresql.username";
    /** Never logged; set it through the environment ({@code PORTCULLIS_CONFIG_POSTGRESQL_PASSWORD}) or a secret. */
    public static final String POSTGRESQL_PASSWORD = "portcullis.config.postgresql.password";
    /** The history table, optionally schema-qualified; its name is also the LISTEN/NOTIFY channel. */
    public static final String POSTGRESQL_TABLE = "portcullis.config.postgresql.table";
    public static final String POSTGRESQL_TABLE_DEFAULT = "portcullis_config";
    /** How often each replica reads the newest version even without a notification (missed ones, reconnects). */
    public static final String POSTGRESQL_POLL_INTERVAL = "portcullis.config.postgresql.poll-interval";
    public static final String POSTGRESQL_POLL_INTERVAL_DEFAULT = "10s";
    /** How many of the newest versions the history table keeps; each write deletes the older ones. */
    public static final String POSTGRESQL_HISTORY = "portcullis.config.postgresql.history";
    public static final String POSTGRESQL_HISTORY_DEFAULT = "1000";

    private SettingNames() {
    }
}
