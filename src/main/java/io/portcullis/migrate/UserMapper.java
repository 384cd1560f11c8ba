package io.portcullis.migrate;

import io.portcullis.config.AuthMethod;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigValidator;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.UserConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Turns userlist entries into {@link UserConfig}s: an md5 hash stays an md5 user, a SCRAM verifier
 * stays a SCRAM user, a clear-text password becomes a SCRAM-SHA-256 verifier (and is then forgotten).
 * With {@code auth_type = cert} every user authenticates by client certificate instead.
 */
final class UserMapper {

    static final String SECTION = "users";
    /** The API's limit too: SCRAM hashing is slow by design, so huge inputs are refused. */
    static final int MAX_PASSWORD_LENGTH = 1024;

    private final GlobalSettings global;
    private final UnaryOperator<String> scramVerifier;
    private final ImportFindings findings;

    /** @param scramVerifier turns a clear-text password into a SCRAM-SHA-256 verifier */
    UserMapper(GlobalSettings global, UnaryOperator<String> scramVerifier, ImportFindings findings) {
        this.global = global;
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
        for (UserlistEntry u : userlist.values()) {
            UserConfig user = map(u);
            if (user != null) {
                users.add(user);
            }
        }
        IniEntry admins = global.adminUsersEntry();
        for (String admin : global.adminUsers()) {
            if (!userlist.containsKey(admin)) {
                findings.unmapped(admins, "admin_users", admin, "user '" + admin
                        + "' is not in the userlist, so it is not imported and cannot be an admin");
            }
        }
        return users;
    }

    private UserConfig map(UserlistEntry u) {
        boolean admin = global.adminUsers().contains(u.user());
        UserConfig user;
        if ("cert".equals(global.authType())) {
            user = new UserConfig(u.user(), AuthMethod.CERT, null, null, List.of(), admin);
        } else {
            user = switch (u.kind()) {
                case MD5 -> new UserConfig(u.user(), AuthMethod.MD5, null, u.secret().toLowerCase(Locale.ROOT),
                        List.of(), admin);
                case SCRAM -> new UserConfig(u.user(), AuthMethod.SCRAM_SHA_256, u.secret(), null, List.of(), admin);
                case PLAIN -> plain(u, admin);
            };
        }
        if (user == null) {
            return null;
        }
        try {
            ConfigValidator.validate(GatewayConfig.EMPTY.withUser(user));
        } catch (ConfigException invalid) {
            findings.unmapped(u, invalid.getMessage() + "; the user is not imported");
            return null;
        }
        return user;
    }

    private UserConfig plain(UserlistEntry u, boolean admin) {
        if (u.secret().isEmpty()) {
            findings.unmapped(u, "an empty password cannot log in to Portcullis; the user is not imported");
            return null;
        }
        if (u.secret().length() > MAX_PASSWORD_LENGTH) {
            findings.unmapped(u, "the password is longer than " + MAX_PASSWORD_LENGTH
                    + " characters; the user is not imported");
            return null;
        }
        return new UserConfig(u.user(), AuthMethod.SCRAM_SHA_256, scramVerifier.apply(u.secret()), null, List.of(), admin);
    }
}
