package io.portcullis.migrate;

import io.portcullis.config.AuthMethod;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigValidator;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.UserConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Turns userlist entries into {@link UserConfig}s the way PgBouncer's {@code auth_type} treats them:
 * <ul>
 *   <li>{@code md5} (PgBouncer's default): an md5 hash stays an md5 user, a SCRAM verifier a SCRAM user
 *       (PgBouncer switches to SCRAM for those too); a clear-text password becomes a SCRAM-SHA-256
 *       verifier (and is then forgotten), where PgBouncer asked those clients for md5: reported once,
 *       naming the users.</li>
 *   <li>{@code scram-sha-256}: PgBouncer refuses a user whose entry is an md5 hash (it cannot run
 *       SCRAM with one), so such a user is reported and not imported: importing it as an md5 user
 *       would let in a login PgBouncer refused. Clear-text and SCRAM entries become SCRAM users.</li>
 *   <li>{@code cert}: every user authenticates by client certificate.</li>
 *   <li>anything else is reported by {@link GlobalSettings}; users get their entry's method.</li>
 * </ul>
 * A user's {@code max_user_client_connections} ({@code [users]}, else {@code [pgbouncer]}) becomes its
 * {@code maxClientConnections}.
 */
final class UserMapper {

    /** The API's limit too: SCRAM hashing is slow by design, so huge inputs are refused. */
    static final int MAX_PASSWORD_LENGTH = 1024;
    /** Users a report names before it says "and N more". */
    private static final int NAMED_IN_A_REPORT = 10;

    private final GlobalSettings global;
    private final Map<String, UserSettings> userSettings;
    private final UnaryOperator<String> scramVerifier;
    private final ImportFindings findings;
    private final Set<String> clientLimitsSet = new LinkedHashSet<>();

    /**
     * @param userSettings  the {@code [users]} lines by user name
     * @param scramVerifier turns a clear-text password into a SCRAM-SHA-256 verifier
     */
    UserMapper(GlobalSettings global, Map<String, UserSettings> userSettings, UnaryOperator<String> scramVerifier,
               ImportFindings findings) {
        this.global = global;
        this.userSettings = userSettings;
        this.scramVerifier = scramVerifier;
        this.findings = findings;
    }

    /** The userlist by user name, the last line for a name winning as in PgBouncer; earlier ones are reported. */
    static Map<String, UserlistEntry> byName(List<UserlistEntry> entries, ImportFindings findings) {
        Map<String, UserlistEntry> last = new LinkedHashMap<>();
        for (UserlistEntry u : entries) {
            UserlistEntry earlier = last.put(u.user(), u);
            if (earlier != null) {
                findings.unmapped(earlier, "listed again on line " + u.line() + ", which wins");
            }
        }
        return last;
    }

    List<UserConfig> map(Map<String, UserlistEntry> userlist) {
        List<UserConfig> users = new ArrayList<>();
        List<UserlistEntry> plainAsScram = new ArrayList<>();
        for (UserlistEntry u : userlist.values()) {
            UserConfig user = map(u);
            if (user != null) {
                users.add(user);
                if (u.kind() == UserlistEntry.SecretKind.PLAIN && user.auth() == AuthMethod.SCRAM_SHA_256) {
                    plainAsScram.add(u);
                }
            }
        }
        if (GlobalSettings.DEFAULT_AUTH_TYPE.equals(global.authType()) && !plainAsScram.isEmpty()) {
            reportPlainAsScram(plainAsScram);
        }
        Set<String> imported = new HashSet<>();
        users.forEach(u -> imported.add(u.name()));
        IniEntry admins = global.adminUsersEntry();
        for (String admin : global.adminUsers()) {
            if (!imported.contains(admin)) {
                findings.unmapped(admins, "admin_users", admin, "user '" + admin + "' " + (userlist.containsKey(admin)
                        ? "is not imported (see its userlist line)" : "is not in the userlist, so it is not imported")
                        + " and cannot be an admin");
            }
        }
        for (Map.Entry<String, UserSettings> s : userSettings.entrySet()) {
            int limit = s.getValue().maxUserClientConnections();
            if (limit > 0 && !imported.contains(s.getKey())) {
                findings.unmapped(s.getValue().entry(), "max_user_client_connections", Integer.toString(limit),
                        "user '" + s.getKey() + "' is not imported (" + (userlist.containsKey(s.getKey())
                                ? "see its userlist line" : "it is not in the userlist")
                        + "), so its client limit has nothing to apply to");
            }
        }
        return users;
    }

    /** Users whose {@code maxClientConnections} this import decides: the file sets it for them or for all. */
    Set<String> clientLimitsSet() {
        return Set.copyOf(clientLimitsSet);
    }

    private UserConfig map(UserlistEntry u) {
        boolean admin = global.adminUsers().contains(u.user());
        UserConfig user;
        if ("cert".equals(global.authType())) {
            user = new UserConfig(u.user(), AuthMethod.CERT, null, null, List.of(), admin);
        } else {
            user = switch (u.kind()) {
                case MD5 -> md5(u, admin);
                case SCRAM -> new UserConfig(u.user(), AuthMethod.SCRAM_SHA_256, u.secret(), null, List.of(), admin);
                case PLAIN -> plain(u, admin);
            };
        }
        if (user == null) {
            return null;
        }
        user = withClientLimit(user);
        try {
            ConfigValidator.validate(GatewayConfig.EMPTY.withUser(user));
        } catch (ConfigException invalid) {
            findings.unmapped(u, invalid.getMessage() + "; the user is not imported");
            return null;
        }
        return user;
    }

    private UserConfig md5(UserlistEntry u, boolean admin) {
        if ("scram-sha-256".equals(global.authType())) {
            IniEntry authType = global.authTypeEntry();
            findings.unmapped(u, "an md5 hash, which PgBouncer refuses with auth_type = scram-sha-256 (" + authType.file()
                    + " line " + authType.line() + "): this user could not log in, so it is not imported (importing "
                    + "it as an md5 user would let it in); give it a password with PUT /api/v1/users/" + u.user());
            return null;
        }
        return new UserConfig(u.user(), AuthMethod.MD5, null, u.secret().toLowerCase(Locale.ROOT), List.of(), admin);
    }

    private UserConfig plain(UserlistEntry u, boolean admin) {
        if (u.secret().isEmpty()) {
            findings.unmapped(u, "an empty password cannot log in to Portcullis; the user is not imported");
            return null;
        }
        if (u.secret().startsWith("md5")) {
            // PgBouncer would take "md5<hash>" as that very password; a guide's placeholder is no one's secret.
            findings.unmapped(u, "starts with md5 but is not an md5 hash (md5 and 32 hex digits), most likely a "
                    + "placeholder such as md5<hash>; PgBouncer would accept it as the clear-text password, which anyone "
                    + "reading the same guide knows: the user is not imported");
            return null;
        }
        if (u.secret().length() > MAX_PASSWORD_LENGTH) {
            findings.unmapped(u, "the password is longer than " + MAX_PASSWORD_LENGTH
                    + " characters; the user is not imported");
            return null;
        }
        return new UserConfig(u.user(), AuthMethod.SCRAM_SHA_256, scramVerifier.apply(u.secret()), null, List.of(), admin);
    }

    /** {@code user} with its {@code max_user_client_connections}: its own ({@code [users]}) if above 0, else the global one. */
    private UserConfig withClientLimit(UserConfig user) {
        UserSettings own = userSettings.get(user.name());
        GlobalSettings.Limit global = this.global.maxUserClientConnections();
        int limit;
        if (own != null && own.maxUserClientConnections() > 0) {
            limit = own.maxUserClientConnections();
        } else if (global.entry() != null) {
            limit = global.value();
        } else {
            return user;
        }
        clientLimitsSet.add(user.name());
        return new UserConfig(user.name(), user.auth(), user.scramVerifier(), user.md5Hash(), user.databases(),
                user.admin(), user.poolMode(), limit, user.maxUserConnections());
    }

    /** auth_type md5 and clear-text entries: PgBouncer asked those clients for md5, Portcullis asks for SCRAM. */
    private void reportPlainAsScram(List<UserlistEntry> users) {
        List<String> names = users.stream().limit(NAMED_IN_A_REPORT).map(UserlistEntry::user).toList();
        String named = String.join(", ", names) + (users.size() > names.size()
                ? " and " + (users.size() - names.size()) + " more" : "");
        String reason = "the users with a clear-text password (" + named + ") are imported as SCRAM-SHA-256 users, "
                + "where PgBouncer's auth_type md5 asked their clients for md5; clients too old for SCRAM-SHA-256 "
                + "(libpq before 10, pgJDBC before 42.2) need such a user set to \"auth\": \"md5\" (PUT /api/v1/users/NAME "
                + "with its password)";
        IniEntry authType = global.authTypeEntry();
        if (authType != null) {
            findings.unmapped(authType, reason);
        } else {
            findings.wholeFile(users.get(0).file(), "auth_type", GlobalSettings.DEFAULT_AUTH_TYPE,
                    "auth_type is not set, so PgBouncer used md5: " + reason);
        }
    }
}
