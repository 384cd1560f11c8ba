package io.portcullis.migrate;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.UserConfig;

import java.util.List;

/**
 * What an import would write, fully prepared (passwords already sealed or turned into verifiers), and
 * what it could not map. Applying it is a quick, pure change of a {@link io.portcullis.config.GatewayConfig}.
 */
public record ImportPlan(List<DatabaseConfig> databases, List<UserConfig> users, List<UnmappedLine> unmapped,
                         TlsSettingsReport tlsSettings) {

    public ImportPlan {
        databases = List.copyOf(databases);
        users = List.copyOf(users);
        unmapped = List.copyOf(unmapped);
    }
}
