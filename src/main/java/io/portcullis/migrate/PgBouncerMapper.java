package io.portcullis.migrate;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.UserConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Maps a parsed {@code pgbouncer.ini} and userlist to an {@link ImportPlan}. Slow by design when
 * the userlist holds clear-text passwords (each becomes a SCRAM verifier): call off the event loop.
 */
public final class PgBouncerMapper {

    private final BiFunction<String, SecretBinding, String> seal;
    private final UnaryOperator<String> scramVerifier;

    /**
     * @param seal          seals a backend secret for what it is bound to ({@link io.portcullis.config.SecretBox#seal})
     * @param scramVerifier turns a clear-text user password into a SCRAM-SHA-256 verifier
     *                      ({@link io.portcullis.auth.PasswordVerifiers#scramSha256(String)})
     */
    public PgBouncerMapper(BiFunction<String, SecretBinding, String> seal, UnaryOperator<String> scramVerifier) {
        this.seal = seal;
        this.scramVerifier = scramVerifier;
    }

    /** {@link #map(List, List, IncludeResolver)} with no files to read. */
    public ImportPlan map(List<IniEntry> ini, List<UserlistEntry> userlist) {
        return map(ini, userlist, IncludeResolver.NONE);
    }

    /**
     * @param files reads the files {@code server_tls_ca_file}, {@code server_tls_cert_file} and
     *              {@code server_tls_key_file} name
     * @throws PgBouncerSyntaxException when a connection string cannot be read
     */
    public ImportPlan map(List<IniEntry> ini, List<UserlistEntry> userlist, IncludeResolver files) {
        ImportFindings findings = new ImportFindings();
        List<IniEntry> global = new ArrayList<>();
        List<IniEntry> databases = new ArrayList<>();
        for (IniEntry e : ini) {
            switch (e.section()) {
                case GlobalSettings.SECTION -> global.add(e);
                case DatabaseMapper.SECTION -> databases.add(e);
                case UserMapper.SECTION -> userSettings(e, findings);
                case "peers" -> findings.unmapped(e, "no peering between Portcullis instances");
                case "" -> findings.unmapped(e, "outside any section; PgBouncer would not accept it");
                default -> findings.unmapped(e, "in section [" + e.section() + "], which PgBouncer does not have");
            }
        }
        GlobalSettings settings = GlobalSettings.read(global, files, findings);
        Map<String, UserlistEntry> users = UserMapper.byName(userlist, findings);
        List<UserConfig> userConfigs = new UserMapper(settings, scramVerifier, findings).map(users);
        List<DatabaseConfig> databaseConfigs = new DatabaseMapper(settings, users, seal, findings).map(databases);
        return new ImportPlan(databaseConfigs, userConfigs, findings.sorted(), settings.tls());
    }

    /** A {@code [users]} line: per-user pool settings, which Portcullis does not have. */
    private static void userSettings(IniEntry e, ImportFindings findings) {
        ConnectionString cs;
        try {
            cs = ConnectionString.parse(e.value());
        } catch (IllegalArgumentException bad) {
            throw new PgBouncerSyntaxException(e.file(), e.line(), "user '" + e.key() + "': " + bad.getMessage());
        }
        for (Map.Entry<String, String> p : cs.params().entrySet()) {
            findings.parameter(e, p.getKey(), p.getValue(), "user '" + e.key()
                    + "': Portcullis has no per-user pool settings; the database's settings apply");
        }
    }
}
