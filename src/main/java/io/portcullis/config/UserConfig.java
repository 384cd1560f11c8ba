package io.portcullis.config;

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
 */
public record UserConfig(
        String name,
        AuthMethod auth,
        String scramVerifier,
        String md5Hash,
        List<String> databases,
        boolean admin) {

    public UserConfig {
        databases = databases == null ? List.of() : List.copyOf(databases);
    }

    public boolean mayUse(String database) {
        return databases.isEmpty() || databases.contains(database);
    }
}
