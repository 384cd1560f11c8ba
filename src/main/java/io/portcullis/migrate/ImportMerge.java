package io.portcullis.migrate;

import io.portcullis.config.ConfigException;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.UserConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies an {@link ImportPlan} to a configuration: imported databases and users are created or
 * replaced, and the imported settings replace their stored overrides (the other overrides stay).
 * Some things survive a replacement, as with a {@code PUT} through the API: a database's stored
 * backend password when the import has none and the database keeps its host, port and user (a stored
 * password is only ever sent where it was set: an import that moves a database without giving its
 * password is refused), and a user's database list, pool mode and server connection limit (the
 * PgBouncer files have no notion of them), and its client limit unless the files set
 * {@code max_user_client_connections}; an existing admin stays admin.
 *
 * @param config  the configuration with the plan applied
 * @param created names of resources that did not exist
 * @param updated names of resources that were replaced
 */
record ImportMerge(GatewayConfig config, ImportReport.Names created, ImportReport.Names updated) {

    static ImportMerge apply(GatewayConfig base, ImportPlan plan) {
        GatewayConfig config = base;
        List<String> createdDbs = new ArrayList<>();
        List<String> updatedDbs = new ArrayList<>();
        for (DatabaseConfig db : plan.databases()) {
            DatabaseConfig existing = config.database(db.name()).orElse(null);
            (existing == null ? createdDbs : updatedDbs).add(db.name());
            if (existing != null && db.disabled() && !existing.disabled()) {
                // A line without user= re-imported after an administrator gave the database its credentials.
                if (!existing.sameAddress(db)) {
                    throw new ConfigException("database '" + db.name() + "': the import moves it from "
                            + existing.backendAddress() + " to " + db.backendAddress() + " without user=, and its "
                            + "stored credentials are only ever sent where they were set: add user= and password= to "
                            + "its line, or change it with PUT /api/v1/databases/" + db.name() + " first; nothing "
                            + "was stored");
                }
                db = db.inServiceAs(existing.user(), existing.sealedPassword());
            } else if (existing != null && db.sealedPassword() == null && existing.hasPassword()) {
                if (!existing.sameLogin(db)) {
                    throw new ConfigException("database '" + db.name() + "': the import moves it from " + existing.user()
                            + "@" + existing.backendAddress() + " to " + db.user() + "@" + db.backendAddress()
                            + " without a password, and the stored password is only ever sent where it was set: add "
                            + "password= to its line (or the user's clear-text password to the userlist), or set it "
                            + "with PUT /api/v1/databases/" + db.name() + " first; nothing was stored");
                }
                db = db.withSealedPassword(existing.sealedPassword());
            }
            config = config.withDatabase(db);
        }
        List<String> createdUsers = new ArrayList<>();
        List<String> updatedUsers = new ArrayList<>();
        for (UserConfig user : plan.users()) {
            UserConfig existing = config.user(user.name()).orElse(null);
            (existing == null ? createdUsers : updatedUsers).add(user.name());
            if (existing != null) {
                int clientLimit = plan.clientLimitsSet().contains(user.name())
                        ? user.maxClientConnections() : existing.maxClientConnections();
                user = new UserConfig(user.name(), user.auth(), user.scramVerifier(), user.md5Hash(),
                        existing.databases(), user.admin() || existing.admin(), existing.poolMode(),
                        clientLimit, existing.maxUserConnections());
            }
            config = config.withUser(user);
        }
        config = config.withSettings(SettingsOverrides.merge(config.settings(), plan.settings()));
        return new ImportMerge(config, names(createdDbs, createdUsers), names(updatedDbs, updatedUsers));
    }

    private static ImportReport.Names names(List<String> databases, List<String> users) {
        return new ImportReport.Names(databases.stream().sorted().toList(), users.stream().sorted().toList());
    }
}
