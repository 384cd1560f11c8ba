package io.portcullis.migrate;

import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigStoreUnavailableException;
import io.portcullis.config.FileConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.PostgresStoreCopy;
import io.portcullis.config.PostgresStoreSettings;
import io.portcullis.config.SecretBox;
import io.portcullis.config.SecretKeys;
import io.portcullis.config.SettingNames;
import io.portcullis.log.LogText;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code copy-store [--from FILE]}: copies a file store's configuration ({@code <data-dir>/config.json}, or
 * {@code FILE}) into the PostgreSQL store the {@code portcullis.config.postgresql.*} settings name, which must
 * be empty; {@code portcullis.config.store} need not be set, the PostgreSQL store is the target by definition.
 * The version number is kept (see {@link PostgresStoreCopy}). Prints what it copied on stdout.
 *
 * <p>The sealed secrets in the file must open with this process's secret key ({@code portcullis.secret-key},
 * else {@code <data-dir>/secret.key}): every replica on the store needs that same key, so a copy they could not
 * use is refused. Neither a secret nor the key is ever printed.
 *
 * <p>Exit status: {@value #OK} copied, {@value #NOT_EMPTY} the target already holds a configuration,
 * {@value #UNREADABLE} the file is missing or not a valid configuration, {@value #WRONG_KEY} its secrets do not
 * open with the key, {@value #UNAVAILABLE} the target cannot be reached or refuses us, {@value #USAGE} bad
 * arguments or target settings.
 *
 * <p>The process starts on the data directory's file store, never on the target (the entry point sees to it), so
 * {@code config.json} is what a gateway start makes of it (the data directory's server certificate moved in, old
 * sealed secrets bound) when it is copied; a data directory without a configuration is not made one.
 */
public class CopyStoreCommand implements QuarkusApplication {

    public static final String NAME = "copy-store";
    static final int OK = 0;
    static final int NOT_EMPTY = 1;
    static final int UNREADABLE = 2;
    static final int WRONG_KEY = 3;
    static final int UNAVAILABLE = 4;
    static final int USAGE = 64;
    static final String USAGE_TEXT = "usage: " + NAME + " [--from config.json]   (target: "
            + SettingNames.POSTGRESQL_URL + ", " + SettingNames.POSTGRESQL_USERNAME + ", "
            + SettingNames.POSTGRESQL_PASSWORD + ", " + SettingNames.POSTGRESQL_TABLE + ")";

    private final SecretBox secrets;
    private final Config config;

    @Inject
    public CopyStoreCommand(SecretBox secrets, Config config) {
        this.secrets = secrets;
        this.config = config;
    }

    @Override
    public int run(String... args) {
        return run(args, System.out, System.err);
    }

    int run(String[] args, PrintStream out, PrintStream err) {
        Path source;
        Path dataDir = Path.of(config.getOptionalValue(SettingNames.DATA_DIR, String.class).orElse(SettingNames.DATA_DIR_DEFAULT));
        try {
            source = parse(Arrays.copyOfRange(args, args.length > 0 && NAME.equals(args[0]) ? 1 : 0, args.length))
                    .orElse(dataDir.resolve(FileConfigStore.CONFIG_FILE)).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        if (config.getOptionalValue(SettingNames.POSTGRESQL_URL, String.class).filter(u -> !u.isBlank()).isEmpty()) {
            err.println("cannot copy: no target; set " + SettingNames.POSTGRESQL_URL + " (env PORTCULLIS_CONFIG_POSTGRESQL_URL, "
                    + "e.g. jdbc:postgresql://db:5432/portcullis?sslmode=verify-full) and, unless the URL names them, "
                    + SettingNames.POSTGRESQL_USERNAME + " and " + SettingNames.POSTGRESQL_PASSWORD + ": the same settings the replicas use");
            return USAGE;
        }
        PostgresStoreSettings target;
        try {
            target = PostgresStoreSettings.from(config);
        } catch (ConfigException e) {
            err.println("cannot copy: " + e.getMessage());
            return USAGE;
        }
        GatewayConfig copy;
        try {
            copy = PostgresStoreCopy.readFileStore(source);
        } catch (ConfigException e) {
            err.println("cannot copy, nothing was stored: " + LogText.escape(e.getMessage()));
            return UNREADABLE;
        }
        String key = keySource(dataDir);
        GatewayConfig bound = PostgresStoreCopy.bindUnboundSecrets(copy, secrets);
        List<String> closed = PostgresStoreCopy.unopenable(bound, secrets);
        if (!closed.isEmpty()) {
            err.println("cannot copy, nothing was stored: the sealed secrets in " + LogText.escape(source.toString())
                    + " do not open with the secret key from " + key + " (" + summary(closed) + "). Run "
                    + NAME + " with the key that sealed them, the one the file store's gateway used: set "
                    + "PORTCULLIS_SECRET_KEY to it (base64, e.g. the content of that data directory's " + SecretKeys.KEY_FILE
                    + "), or PORTCULLIS_DATA_DIR to the data directory that holds it");
            return WRONG_KEY;
        }
        try {
            PostgresStoreCopy.intoEmpty(target, bound);
        } catch (PostgresStoreCopy.StoreNotEmptyException e) {
            err.println("cannot copy, nothing was stored: " + e.getMessage());
            return NOT_EMPTY;
        } catch (ConfigStoreUnavailableException e) {
            err.println("cannot copy: " + e.getMessage());
            return UNAVAILABLE;
        }
        out.println("Copied configuration version " + bound.version() + " (" + bound.databases().size() + " databases, "
                + bound.users().size() + " users, " + bound.tokens().size() + " API tokens) from "
                + LogText.escape(source.toString()) + " to the " + target + "."
                + (bound.version() != copy.version() ? " Version " + copy.version() + "'s backend passwords in the old "
                + "unbound format were bound to their databases first, as a gateway does at its start." : ""));
        out.println("Its sealed secrets open with the secret key from " + key + ": start every replica with that key "
                + "(PORTCULLIS_SECRET_KEY, base64" + (key.startsWith(SettingNames.SECRET_KEY) ? "" : ", the content of that file")
                + ") and with " + SettingNames.CONFIG_STORE + "=" + SettingNames.STORE_POSTGRESQL + " and the same "
                + "portcullis.config.postgresql.* settings.");
        return OK;
    }

    /** The first few reasons, then how many more: one line an operator can read even for a large configuration. */
    private static String summary(List<String> closed) {
        int shown = Math.min(closed.size(), 3);
        return String.join("; ", closed.subList(0, shown))
                + (closed.size() > shown ? "; and " + (closed.size() - shown) + " more" : "");
    }

    /** Where this process's secret key came from, for a person; never the key. */
    private String keySource(Path dataDir) {
        if (config.getOptionalValue(SettingNames.SECRET_KEY, String.class).filter(k -> !k.isBlank()).isPresent()) {
            return SettingNames.SECRET_KEY + " (env PORTCULLIS_SECRET_KEY)";
        }
        return "the key file " + dataDir.resolve(SecretKeys.KEY_FILE).toAbsolutePath().normalize();
    }

    /** @return the {@code --from} file, if given */
    static Optional<Path> parse(String[] args) {
        Path from = null;
        for (int i = 0; i < args.length; i++) {
            if ("--from".equals(args[i])) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--from needs a file");
                }
                from = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        return Optional.ofNullable(from);
    }
}
