package io.portcullis.migrate;

import io.portcullis.config.ConfigValidator;
import io.portcullis.config.PoolMode;
import io.portcullis.config.RuntimeSettings;
import io.portcullis.config.Setting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A {@code [users]} line. PgBouncer keys these settings on a user name, but not always the same user:
 * {@code pool_mode}, {@code pool_size}, {@code reserve_pool_size} and {@code max_user_connections}
 * belong to a pool's <em>server</em> user, which for a database with {@code user=} (every database
 * Portcullis imports) is that user, whoever the client logs in as; {@code max_user_client_connections}
 * counts the clients that log in as the user. So the first four go to the databases that log in to
 * their backend as this user ({@link DatabaseMapper}), the last to the client user of this name
 * ({@link UserMapper}).
 *
 * <p>As in PgBouncer, a missing or negative size and a limit of 0 or less mean "not set here".
 *
 * @param entry                    the line
 * @param poolMode                 pool mode of this server user's pools, or null
 * @param poolSize                 pool size of this server user's pools, or null
 * @param reservePoolSize          reserve of this server user's pools, or null
 * @param maxUserConnections       cap on this server user's connections across databases, 0 = not set here
 * @param maxUserClientConnections cap on clients logged in as this user, 0 = not set here
 */
record UserSettings(IniEntry entry, PoolMode poolMode, Integer poolSize, Integer reservePoolSize,
                    int maxUserConnections, int maxUserClientConnections) {

    static final String SECTION = "users";

    /** Per-user timeouts PgBouncer has, which Portcullis has only for the whole gateway (named by their descriptor). */
    private static final Set<String> GATEWAY_WIDE = Set.of("query_timeout", "query_wait_timeout",
            "idle_transaction_timeout", "client_idle_timeout");

    /** The names of the server user's settings this line sets (those that go to databases). */
    List<String> serverSettings() {
        List<String> set = new ArrayList<>();
        if (poolMode != null) {
            set.add("pool_mode");
        }
        if (poolSize != null) {
            set.add("pool_size");
        }
        if (reservePoolSize != null) {
            set.add("reserve_pool_size");
        }
        if (maxUserConnections > 0) {
            set.add("max_user_connections");
        }
        return set;
    }

    /** The lines by user name; a later line for a name replaces the earlier one, as in PgBouncer. */
    static Map<String, UserSettings> read(List<IniEntry> entries, ImportFindings findings) {
        Map<String, UserSettings> users = new LinkedHashMap<>();
        for (IniEntry e : entries) {
            UserSettings settings = read(e, findings);
            UserSettings earlier = users.put(e.key(), settings);
            if (earlier != null) {
                findings.unmapped(earlier.entry(), "user '" + e.key() + "' is set again on " + e.file() + " line "
                        + e.line() + ", which wins");
            }
        }
        return users;
    }

    private static UserSettings read(IniEntry e, ImportFindings findings) {
        ConnectionString cs;
        try {
            cs = ConnectionString.parse(e.value());
        } catch (IllegalArgumentException bad) {
            throw new PgBouncerSyntaxException(e.file(), e.line(), "user '" + e.key() + "': " + bad.getMessage());
        }
        String user = "user '" + e.key() + "': ";
        PoolMode poolMode = null;
        Integer poolSize = null;
        Integer reservePoolSize = null;
        int maxUserConnections = 0;
        int maxUserClientConnections = 0;
        for (Map.Entry<String, String> p : cs.params().entrySet()) {
            String key = p.getKey();
            String value = p.getValue();
            switch (key) {
                case "pool_mode" -> {
                    poolMode = SettingValues.poolMode(value);
                    if (poolMode == null) {
                        findings.parameter(e, key, value, user + "not a pool mode (session, transaction, statement); "
                                + "not imported");
                    }
                }
                case "pool_size" -> {
                    OptionalInt n = number(e, key, value, findings);
                    if (n.isPresent() && n.getAsInt() == 0) {
                        findings.parameter(e, key, value, user + "0 gives this user's pools no server connection in "
                                + "PgBouncer; Portcullis needs at least 1: not imported");
                    } else if (n.isPresent() && n.getAsInt() > 0) {
                        poolSize = within(e, key, n.getAsInt(), ConfigValidator.MAX_POOL_SIZE, findings);
                    }
                }
                case "reserve_pool_size" -> {
                    OptionalInt n = number(e, key, value, findings);
                    if (n.isPresent() && n.getAsInt() >= 0) {
                        reservePoolSize = within(e, key, n.getAsInt(), ConfigValidator.MAX_POOL_SIZE, findings);
                    }
                }
                case "max_user_connections" -> {
                    OptionalInt n = number(e, key, value, findings);
                    Integer max = n.isPresent() && n.getAsInt() > 0
                            ? within(e, key, n.getAsInt(), ConfigValidator.MAX_DB_CONNECTIONS, findings) : null;
                    maxUserConnections = max == null ? 0 : max;
                }
                case "max_user_client_connections" -> {
                    OptionalInt n = number(e, key, value, findings);
                    Integer max = n.isPresent() && n.getAsInt() > 0
                            ? within(e, key, n.getAsInt(), ConfigValidator.MAX_CLIENT_CONNECTIONS, findings) : null;
                    maxUserClientConnections = max == null ? 0 : max;
                }
                case "transaction_timeout" -> findings.parameter(e, key, value, user
                        + "Portcullis has no transaction time limit; not imported");
                default -> {
                    String setting = GATEWAY_WIDE.contains(key)
                            ? RuntimeSettings.byPgBouncerName(key).map(Setting::name).orElse(null) : null;
                    findings.parameter(e, key, value, user + (setting == null
                            ? "not a PgBouncer user setting; not imported"
                            : "Portcullis has no per-user " + key + ", only " + setting + " for the whole gateway "
                                    + "(/api/v1/settings); not imported"));
                }
            }
        }
        return new UserSettings(e, poolMode, poolSize, reservePoolSize, maxUserConnections, maxUserClientConnections);
    }

    /** A whole number as PgBouncer's {@code atoi} would read it; anything else is reported. */
    private static OptionalInt number(IniEntry e, String key, String value, ImportFindings findings) {
        OptionalInt n = SettingValues.integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (n.isEmpty()) {
            findings.parameter(e, key, value, "user '" + e.key() + "': not a whole number; not imported");
        }
        return n;
    }

    private static Integer within(IniEntry e, String key, int n, int max, ImportFindings findings) {
        if (n > max) {
            findings.parameter(e, key, Integer.toString(n), "user '" + e.key() + "': must be at most " + max
                    + " in Portcullis; not imported");
            return null;
        }
        return n;
    }
}
