package io.portcullis.migrate;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.SettingsConfig;
import io.portcullis.config.UserConfig;

import java.util.List;
import java.util.Set;

/**
 * What an import would write, fully prepared (passwords already sealed or turned into verifiers), and
 * what it could not map. Applying it is a quick, pure change of a {@link io.portcullis.config.GatewayConfig}.
 *
 * @param databases       databases to create or replace
 * @param users           users to create or replace
 * @param clientLimitsSet users whose {@code maxClientConnections} the files decide ({@code max_user_client_connections}
 *                        set for them or for all); the other users keep theirs on a re-import
 * @param settings        {@code /api/v1/settings} overrides to store; {@link SettingsConfig#UNSET} for none
 * @param unmapped        what was not (fully) imported, and why
 * @param tlsSettings     the client TLS settings found, not applied
 */
public record ImportPlan(List<DatabaseConfig> databases, List<UserConfig> users, Set<String> clientLimitsSet,
                         SettingsConfig settings, List<UnmappedLine> unmapped, TlsSettingsReport tlsSettings) {

    public ImportPlan {
        databases = List.copyOf(databases);
        users = List.copyOf(users);
        clientLimitsSet = Set.copyOf(clientLimitsSet);
        settings = settings == null ? SettingsConfig.UNSET : settings;
        unmapped = List.copyOf(unmapped);
    }

    /** True when applying this plan would change nothing. */
    boolean writesNothing() {
        return databases.isEmpty() && users.isEmpty() && settings.overridden().isEmpty();
    }
}
