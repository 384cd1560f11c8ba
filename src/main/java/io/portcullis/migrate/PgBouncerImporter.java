package io.portcullis.migrate;

import io.portcullis.auth.AuthSettings;
import io.portcullis.auth.PasswordVerifiers;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.ConfigValidator;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
        this(store, secrets, auth.checkedScramIterations());
    }

    /** @param scramIterations PBKDF2 iterations of the verifiers made from clear-text passwords, already checked */
    PgBouncerImporter(ConfigStore store, SecretBox secrets, int scramIterations) {
        this.store = store;
        this.secrets = secrets;
        this.scramIterations = scramIterations;
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
        Set<String> read = new HashSet<>();
        IncludeResolver files = (path, includingFile) -> {
            read.add(path);
            return sources.includes().read(path, includingFile);
        };
        List<IniEntry> ini = new IniParser(files).parse(sources.iniName(), sources.ini());
        Userlist userlist = Userlist.of(sources, GlobalSettings.authFile(ini));
        ImportPlan plan = withUnusedIncludes(new PgBouncerMapper(secrets::seal,
                password -> PasswordVerifiers.scramSha256(password, scramIterations))
                .map(ini, userlist.entries(), files, userlist.missing()), sources, read, ServerTlsSettings.namedFiles(ini));
        if (dryRun || plan.writesNothing()) {
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
        List<ImportReport.DisabledDatabase> disabled = merge.config().databases().values().stream()
                .filter(db -> db.disabled() && plan.databases().stream().anyMatch(p -> p.name().equals(db.name())))
                .sorted(Comparator.comparing(DatabaseConfig::name))
                .map(db -> new ImportReport.DisabledDatabase(db.name(), db.disabledReason())).toList();
        return new ImportReport(dryRun, version, merge.created(), merge.updated(),
                SettingsOverrides.shown(plan.settings()), disabled, plan.unmapped(), plan.tlsSettings());
    }

    /**
     * Files sent along that nothing names: no {@code %include} line and no {@code server_tls_*_file}
     * setting. {@code read} holds what the one resolver both go through read; {@code tlsFiles} what
     * {@code server_tls_*_file} lines name but the mode in force did not read (reported on those lines).
     */
    private static ImportPlan withUnusedIncludes(ImportPlan plan, ImportSources sources, Set<String> read,
                                                 Set<String> tlsFiles) {
        List<UnmappedLine> unused = sources.sentIncludes().stream()
                .filter(f -> !read.contains(f) && !tlsFiles.contains(f)).sorted()
                .map(f -> new UnmappedLine(f, 0, "%include", null, "sent as an include, but no %include line and no "
                        + "server_tls_*_file setting names it, so it was not read (they name a file by the path exactly "
                        + "as sent)"))
                .toList();
        if (unused.isEmpty()) {
            return plan;
        }
        List<UnmappedLine> all = new ArrayList<>(plan.unmapped());
        all.addAll(unused);
        all.sort(ImportFindings.ORDER);
        return new ImportPlan(plan.databases(), plan.users(), plan.clientLimitsSet(), plan.settings(), all,
                plan.tlsSettings());
    }

    /**
     * The userlist an import reads: the one given, else (command line only) the file {@code auth_file}
     * names.
     *
     * @param entries its lines, empty when there is none
     * @param missing null when a userlist was read; else why not
     */
    private record Userlist(List<UserlistEntry> entries, String missing) {

        static Userlist of(ImportSources sources, IniEntry authFile) {
            if (sources.userlist() != null) {
                return new Userlist(UserlistParser.parse(sources.userlistName(), sources.userlist()), null);
            }
            if (authFile == null) {
                return new Userlist(List.of(), null);
            }
            String path = authFile.value().strip();
            if (sources.authFiles() == null) {
                return new Userlist(List.of(), "the content of " + path + " was not sent (\"userlist\"), and the "
                        + "API does not read files on the server");
            }
            Optional<String> content;
            try {
                content = sources.authFiles().read(path, authFile.file());
            } catch (UncheckedIOException e) {
                return new Userlist(List.of(), "cannot read " + path + ": " + e.getCause().getMessage()
                        + " (give the userlist with --userlist)");
            }
            return content.map(text -> new Userlist(UserlistParser.parse(path, text), null))
                    .orElseGet(() -> new Userlist(List.of(), path + " does not exist (give the userlist with --userlist)"));
        }
    }
}
