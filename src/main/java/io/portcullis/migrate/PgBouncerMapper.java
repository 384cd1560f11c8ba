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

    /** {@link #map(List, List, IncludeResolver, String)} with a userlist that was read. */
    public ImportPlan map(List<IniEntry> ini, List<UserlistEntry> userlist, IncludeResolver files) {
        return map(ini, userlist, files, null);
    }

    /**
     * @param files      reads the files {@code server_tls_ca_file}, {@code server_tls_cert_file} and
     *                   {@code server_tls_key_file} name
     * @param noUserlist null when {@code userlist} was read; else why there is none, which is reported on
     *                   the {@code auth_file} line (a userlist PgBouncer would have read)
     * @throws PgBouncerSyntaxException when a connection string cannot be read
     */
    public ImportPlan map(List<IniEntry> ini, List<UserlistEntry> userlist, IncludeResolver files, String noUserlist) {
        ImportFindings findings = new ImportFindings();
        List<IniEntry> global = new ArrayList<>();
        List<IniEntry> databases = new ArrayList<>();
        List<IniEntry> userLines = new ArrayList<>();
        for (IniEntry e : ini) {
            switch (e.section()) {
                case GlobalSettings.SECTION -> global.add(e);
                case DatabaseMapper.SECTION -> databases.add(e);
                case UserSettings.SECTION -> userLines.add(e);
                case "peers" -> findings.unmapped(e, "no peering between Portcullis instances");
                case "" -> findings.unmapped(e, "outside any section; PgBouncer would not accept it");
                default -> findings.unmapped(e, "in section [" + e.section() + "], which PgBouncer does not have");
            }
        }
        GlobalSettings settings = GlobalSettings.read(global, files, findings);
        if (noUserlist != null && settings.authFile() != null) {
            findings.unmapped(settings.authFile(), noUserlist + "; no users were imported");
        }
        Map<String, UserSettings> userSettings = UserSettings.read(userLines, findings);
        Map<String, UserlistEntry> users = UserMapper.byName(userlist, findings);
        UserMapper userMapper = new UserMapper(settings, userSettings, scramVerifier, findings);
        List<UserConfig> userConfigs = userMapper.map(users);
        List<DatabaseConfig> databaseConfigs = new DatabaseMapper(settings, userSettings, users, seal, findings)
                .map(databases);
        return new ImportPlan(databaseConfigs, userConfigs, userMapper.clientLimitsSet(), settings.settings(),
                findings.sorted(), settings.tls());
    }
}
