package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

import java.util.List;

/**
 * A client user of the gateway. Passwords are kept only as verifiers.
 *
 * @param name          user name clients log in with
 * @param auth          how the user authenticates
 * @param scramVerifier {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (PostgreSQL's format), or null
 * @param md5Hash       {@code md5<hex of md5(password + user)>} (PostgreSQL's format), or null
 * @param databases     databases the user may use; empty means all
 * @param admin         may use the admin console
 * @param poolMode      this user's sessions use this pool mode instead of their database's; null = the database's
 * @param maxClientConnections clients of this user served at once, 0 = no limit (PgBouncer: max_user_client_connections)
 * @param maxUserConnections   server connections this user's clients hold at once across all databases,
 *                             0 = no limit (PgBouncer: max_user_connections); beyond it clients wait
 */
public record UserConfig(
        String name,
        AuthMethod auth,
        String scramVerifier,
        String md5Hash,
        List<String> databases,
        boolean admin,
        PoolMode poolMode,
        @JsonSetter(nulls = Nulls.AS_EMPTY) int maxClientConnections,
        @JsonSetter(nulls = Nulls.AS_EMPTY) int maxUserConnections) {

    /** Missing limits (a file written before they existed) are 0: no limit. */
    @JsonCreator
    public UserConfig {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }

    /** A user with no pool settings of its own: the database's pool mode, no limits. */
    public UserConfig(String name, AuthMethod auth, String scramVerifier, String md5Hash, List<String> databases,
                      boolean admin) {
        this(name, auth, scramVerifier, md5Hash, databases, admin, null, 0, 0);
    }

    /** The pool mode of this user's sessions on {@code database}: the user's own, else the database's. */
    public PoolMode poolModeOn(DatabaseConfig database) {
        return poolMode != null ? poolMode : database.poolMode();
    }

    public boolean mayUse(String database) {
        return databases.isEmpty() || databases.contains(database);
    }
}
