package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One immutable, versioned snapshot of everything the gateway runs from. A write produces a new
 * snapshot with a higher version; readers keep whichever snapshot they hold.
 *
 * @param revokedBootstrapTokens SHA-256 (hex) of bootstrap admin tokens revoked through the API, newest
 *     last, at most {@value #MAX_REVOKED_BOOTSTRAP_TOKENS}: a configured admin token whose hash is listed is
 *     not installed again at start-up. Left out of the stored document while empty.
 * @param holds pauses and disables set through the API for the whole gateway, by database ({@link PoolHold}); a
 *     database without an entry has none. Left out of the stored document while empty.
 */
public record GatewayConfig(
        long version,
        Map<String, DatabaseConfig> databases,
        Map<String, UserConfig> users,
        List<ApiToken> tokens,
        TlsConfig tls,
        SettingsConfig settings,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> revokedBootstrapTokens,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, PoolHold> holds) {

    public static final GatewayConfig EMPTY = new GatewayConfig(0, Map.of(), Map.of(), List.of());
    /** Revoked bootstrap tokens remembered; the oldest is forgotten past this. */
    public static final int MAX_REVOKED_BOOTSTRAP_TOKENS = 16;

    /**
     * A {@code null} {@code tls} or {@code settings} (a file written before they were stored) means
     * {@link TlsConfig#UNSET} / {@link SettingsConfig#UNSET}; a {@code null} list, none.
     */
    @JsonCreator
    public GatewayConfig {
        databases = Map.copyOf(databases == null ? Map.of() : databases);
        users = Map.copyOf(users == null ? Map.of() : users);
        tokens = List.copyOf(tokens == null ? List.of() : tokens);
        tls = tls == null ? TlsConfig.UNSET : tls;
        settings = settings == null ? SettingsConfig.UNSET : settings;
        revokedBootstrapTokens = List.copyOf(revokedBootstrapTokens == null ? List.of() : revokedBootstrapTokens);
        holds = Map.copyOf(holds == null ? Map.of() : holds);
    }

    /** A snapshot without pool holds. */
    public GatewayConfig(long version, Map<String, DatabaseConfig> databases, Map<String, UserConfig> users,
                         List<ApiToken> tokens, TlsConfig tls, SettingsConfig settings, List<String> revokedBootstrapTokens) {
        this(version, databases, users, tokens, tls, settings, revokedBootstrapTokens, Map.of());
    }

    /** A snapshot without revoked bootstrap tokens. */
    public GatewayConfig(long version, Map<String, DatabaseConfig> databases, Map<String, UserConfig> users,
                         List<ApiToken> tokens, TlsConfig tls, SettingsConfig settings) {
        this(version, databases, users, tokens, tls, settings, List.of());
    }

    /** A snapshot without process-wide settings of its own. */
    public GatewayConfig(long version, Map<String, DatabaseConfig> databases, Map<String, UserConfig> users,
                         List<ApiToken> tokens, TlsConfig tls) {
        this(version, databases, users, tokens, tls, SettingsConfig.UNSET);
    }

    /** A snapshot without TLS settings of its own. */
    public GatewayConfig(long version, Map<String, DatabaseConfig> databases, Map<String, UserConfig> users,
                         List<ApiToken> tokens) {
        this(version, databases, users, tokens, TlsConfig.UNSET, SettingsConfig.UNSET);
    }

    public Optional<DatabaseConfig> database(String name) {
        return Optional.ofNullable(databases.get(name));
    }

    /** The database whose {@code sniHostnames} lists {@code serverName} (the TLS client's SNI), if one does. */
    public Optional<DatabaseConfig> databaseForServerName(String serverName) {
        if (serverName == null) {
            return Optional.empty();
        }
        return databases.values().stream().filter(db -> db.servesServerName(serverName)).findFirst();
    }

    public Optional<UserConfig> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    public GatewayConfig withDatabase(DatabaseConfig db) {
        Map<String, DatabaseConfig> next = new TreeMap<>(databases);
        next.put(db.name(), db);
        return new GatewayConfig(version, next, users, tokens, tls, settings, revokedBootstrapTokens, holds);
    }

    public GatewayConfig withoutDatabase(String name) {
        Map<String, DatabaseConfig> next = new TreeMap<>(databases);
        next.remove(name);
        Map<String, PoolHold> nextHolds = new TreeMap<>(holds);
        nextHolds.remove(name);
        return new GatewayConfig(version, next, users, tokens, tls, settings, revokedBootstrapTokens, nextHolds);
    }

    /** The hold on {@code database}'s pool: {@link PoolHold#NONE} without an entry. */
    public PoolHold hold(String database) {
        return holds.getOrDefault(database, PoolHold.NONE);
    }

    /** This snapshot with {@code database}'s hold set to {@code hold} (its entry removed when it holds nothing). */
    public GatewayConfig withHold(String database, PoolHold hold) {
        Map<String, PoolHold> next = new TreeMap<>(holds);
        if (hold.none()) {
            next.remove(database);
        } else {
            next.put(database, hold);
        }
        return new GatewayConfig(version, databases, users, tokens, tls, settings, revokedBootstrapTokens, next);
    }

    public GatewayConfig withUser(UserConfig user) {
        Map<String, UserConfig> next = new TreeMap<>(users);
        next.put(user.name(), user);
        return new GatewayConfig(version, databases, next, tokens, tls, settings, revokedBootstrapTokens, holds);
    }

    public GatewayConfig withoutUser(String name) {
        Map<String, UserConfig> next = new TreeMap<>(users);
        next.remove(name);
        return new GatewayConfig(version, databases, next, tokens, tls, settings, revokedBootstrapTokens, holds);
    }

    public GatewayConfig withTokens(List<ApiToken> newTokens) {
        return new GatewayConfig(version, databases, users, newTokens, tls, settings, revokedBootstrapTokens, holds);
    }

    GatewayConfig withVersion(long newVersion) {
        return new GatewayConfig(newVersion, databases, users, tokens, tls, settings, revokedBootstrapTokens, holds);
    }

    public GatewayConfig withTls(TlsConfig newTls) {
        return new GatewayConfig(version, databases, users, tokens, newTls, settings, revokedBootstrapTokens, holds);
    }

    public GatewayConfig withSettings(SettingsConfig newSettings) {
        return new GatewayConfig(version, databases, users, tokens, tls, newSettings, revokedBootstrapTokens, holds);
    }

    /**
     * This snapshot with {@code sha256Hex} added to {@link #revokedBootstrapTokens} (once; the oldest entry
     * goes when there are more than {@value #MAX_REVOKED_BOOTSTRAP_TOKENS}).
     */
    public GatewayConfig withRevokedBootstrapToken(String sha256Hex) {
        List<String> next = new ArrayList<>(revokedBootstrapTokens);
        next.remove(sha256Hex);
        next.add(sha256Hex);
        while (next.size() > MAX_REVOKED_BOOTSTRAP_TOKENS) {
            next.remove(0);
        }
        return new GatewayConfig(version, databases, users, tokens, tls, settings, next, holds);
    }
}
