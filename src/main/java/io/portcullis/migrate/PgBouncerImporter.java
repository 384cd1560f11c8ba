package io.portcullis.migrate;

import io.portcullis.auth.AuthSettings;
import io.portcullis.auth.PasswordVerifiers;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.ConfigValidator;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Imports a PgBouncer configuration into the {@link ConfigStore}: parse, map (hashing and sealing
 * happen here, before the store's lock is taken), then one store update, so the whole import is one
 * configuration version or nothing. Blocking: call from a worker thread.
 */
@ApplicationScoped
public class PgBouncerImporter {

    private final ConfigStore store;
    private final SecretBox secrets;
    /** portcullis.auth.scram-iterations, for the verifiers made from the userlist's clear-text passwords. */
    private final int scramIterations;

    @Inject
    public PgBouncerImporter(ConfigStore store, SecretBox secrets, AuthSettings auth) {
        this.store = store;
        this.scramIterations = auth.checkedScramIterations();
        this.secrets = secrets;
    }

    /**
     * @param dryRun report what would happen, store nothing
     * @throws PgBouncerSyntaxException when a file cannot be read as PgBouncer would; nothing is stored
     * @throws io.portcullis.config.ConfigException when the result would be an invalid configuration
     *                                              (e.g. an imported name clashes); nothing is stored
     */
    public ImportReport run(ImportSources sources, boolean dryRun) {
        return run(sources, dryRun, ConfigStore.ANY_VERSION);
    }

    /**
     * @param expectedVersion the configuration version the caller read (If-Match), or
     *                        {@link ConfigStore#ANY_VERSION}
     * @throws io.portcullis.config.VersionConflictException when the configuration moved on since
     */
    public ImportReport run(ImportSources sources, boolean dryRun, long expectedVersion) {
        List<IniEntry> ini = new IniParser(sources.includes()).parse(sources.iniName(), sources.ini());
        List<UserlistEntry> userlist = sources.userlist() == null ? List.of()
                : UserlistParser.parse(sources.userlistName(), sources.userlist());
        ImportPlan plan = new PgBouncerMapper(secrets::seal,
                password -> PasswordVerifiers.scramSha256(password, scramIterations)).map(ini, userlist, sources.includes());
        if (dryRun || (plan.databases().isEmpty() && plan.users().isEmpty())) {
            GatewayConfig current = store.current();
            ImportMerge merge = ImportMerge.apply(current, plan);
            ConfigValidator.validate(merge.config());
            return report(dryRun, current.version(), merge, plan);
        }
        AtomicReference<ImportMerge> merged = new AtomicReference<>();
        GatewayConfig stored = store.update(expectedVersion, config -> {
            ImportMerge merge = ImportMerge.apply(config, plan);
            merged.set(merge);
            return merge.config();
        });
        return report(false, stored.version(), merged.get(), plan);
    }

    private static ImportReport report(boolean dryRun, long version, ImportMerge merge, ImportPlan plan) {
        return new ImportReport(dryRun, version, merge.created(), merge.updated(), plan.unmapped(), plan.tlsSettings());
    }
}
