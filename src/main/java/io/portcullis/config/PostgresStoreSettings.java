package io.portcullis.config;

import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the shared PostgreSQL store lives and how to reach it. TLS to the store is the JDBC URL's business
 * ({@code sslmode=verify-full&sslrootcert=...}), as with any pgJDBC client.
 *
 * <p>{@link #toString()} never shows the password, nor a {@code password=} parameter inside the URL.
 *
 * @param url          a {@code jdbc:postgresql:} URL
 * @param username     the role to log in as, unless the URL names it
 * @param password     its password, unless the URL carries it
 * @param table        the history table, optionally {@code schema.table}: lower-case letters, digits and
 *                     underscores, at most {@value #MAX_TABLE_LENGTH} characters because it also names the
 *                     LISTEN/NOTIFY channel, which PostgreSQL limits to 63 bytes
 * @param pollInterval how often the newest version is read even without a notification
 * @param history      how many of the newest versions the table keeps; each write deletes older rows in its
 *                     transaction (when the role may delete)
 */
public record PostgresStoreSettings(String url, Optional<String> username, Optional<String> password, String table,
                                    Duration pollInterval, int history) {

    static final String URL_PREFIX = "jdbc:postgresql:";
    static final int MAX_TABLE_LENGTH = 63;
    static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(100);
    static final Duration MAX_POLL_INTERVAL = Duration.ofHours(1);
    private static final Pattern TABLE = Pattern.compile("([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*");
    static final int MIN_HISTORY = 1;
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

    /** @throws ConfigException naming the setting that is missing or malformed */
    public PostgresStoreSettings {
        if (url == null || url.isBlank()) {
            throw new ConfigException(SettingNames.POSTGRESQL_URL + " must be set when " + SettingNames.CONFIG_STORE
                    + "=" + SettingNames.STORE_POSTGRESQL + " (e.g. jdbc:postgresql://db:5432/portcullis?sslmode=verify-full)");
        }
        url = url.strip();
        if (!url.startsWith(URL_PREFIX)) {
            throw new ConfigException(SettingNames.POSTGRESQL_URL + " must start with " + URL_PREFIX);
        }
        username = Objects.requireNonNull(username).map(String::strip).filter(u -> !u.isEmpty());
        password = Objects.requireNonNull(password).filter(p -> !p.isEmpty());
        table = table == null || table.isBlank() ? SettingNames.POSTGRESQL_TABLE_DEFAULT : table.strip();
        if (table.length() > MAX_TABLE_LENGTH || !TABLE.matcher(table).matches()) {
            throw new ConfigException(SettingNames.POSTGRESQL_TABLE + " must be a table name of lower-case letters, digits "
                    + "and underscores, optionally schema-qualified, at most " + MAX_TABLE_LENGTH + " characters");
        }
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.compareTo(MIN_POLL_INTERVAL) < 0 || pollInterval.compareTo(MAX_POLL_INTERVAL) > 0) {
            throw new ConfigException(SettingNames.POSTGRESQL_POLL_INTERVAL + " must be between "
                    + MIN_POLL_INTERVAL.toMillis() + "ms and " + MAX_POLL_INTERVAL.toMinutes() + "m");
        }
        if (history < MIN_HISTORY) {
            throw new ConfigException(SettingNames.POSTGRESQL_HISTORY + " must be at least " + MIN_HISTORY
                    + " (the newest version is the configuration itself), not " + history);
        }
    }

    /** With the default history ({@value SettingNames#POSTGRESQL_HISTORY_DEFAULT} versions). */
    public PostgresStoreSettings(String url, Optional<String> username, Optional<String> password, String table,
                                 Duration pollInterval) {
        this(url, username, password, table, pollInterval, Integer.parseInt(SettingNames.POSTGRESQL_HISTORY_DEFAULT));
    }

    /**
     * The settings the application properties (and their environment forms) give: the one place that reads
     * {@code portcullis.config.postgresql.*}, for the store and for the {@code copy-store} command alike.
     *
     * @throws ConfigException naming the setting that is missing or malformed
     */
    public static PostgresStoreSettings from(Config config) {
        Duration poll = SettingDurations.parse(config.getOptionalValue(SettingNames.POSTGRESQL_POLL_INTERVAL, String.class)
                .orElse(SettingNames.POSTGRESQL_POLL_INTERVAL_DEFAULT), SettingNames.POSTGRESQL_POLL_INTERVAL);
        String historyText = config.getOptionalValue(SettingNames.POSTGRESQL_HISTORY, String.class)
                .orElse(SettingNames.POSTGRESQL_HISTORY_DEFAULT).strip();
        int history;
        try {
            history = Integer.parseInt(historyText);
        } catch (NumberFormatException e) {
            throw new ConfigException(SettingNames.POSTGRESQL_HISTORY + " must be a whole number of versions, at least "
                    + MIN_HISTORY + " (default " + SettingNames.POSTGRESQL_HISTORY_DEFAULT + "), not '" + historyText + "'");
        }
        return new PostgresStoreSettings(config.getOptionalValue(SettingNames.POSTGRESQL_URL, String.class).orElse(null),
                config.getOptionalValue(SettingNames.POSTGRESQL_USERNAME, String.class),
                config.getOptionalValue(SettingNames.POSTGRESQL_PASSWORD, String.class),
                config.getOptionalValue(SettingNames.POSTGRESQL_TABLE, String.class)
                        .orElse(SettingNames.POSTGRESQL_TABLE_DEFAULT),
                poll, history);
    }

    /** The URL with any {@code password=} parameter masked, for log lines and error messages. */
    public String redactedUrl() {
        return URL_PASSWORD.matcher(url).replaceAll("$1***");
    }

    @Override
    public String toString() {
        return "PostgreSQL store " + redactedUrl() + " table " + table
                + username.map(u -> " as " + u).orElse("");
    }
}
