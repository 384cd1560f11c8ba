package io.portcullis.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves a file store's configuration into an empty PostgreSQL store: the steps of the {@code copy-store}
 * command that need this package's internals. The copy keeps the file's version number, so ETags and the
 * history read on from where the file store stopped; the document is the one the file store would write for
 * that version (the same codec, so a {@code config.json} written by Portcullis is copied byte for byte).
 *
 * <p>The target must hold no version at all: copying over a store that replicas already wrote would drop
 * their changes, and merging two histories has no right answer. The check and the insert run in one
 * transaction under the writers' advisory lock, so a replica starting at the same moment cannot slip its own
 * first version in between.
 */
public final class PostgresStoreCopy {

    /** Larger files are refused: a configuration of thousands of databases and users is a few megabytes. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private PostgresStoreCopy() {
    }

    /** The target store already holds a configuration; nothing was written. */
    public static final class StoreNotEmptyException extends ConfigException {
        StoreNotEmptyException(String message) {
            super(message);
        }
    }

    /**
     * Reads a file store's document as strictly as the store does at startup, without its recovery from the
     * backup: a copy must be of exactly the file named.
     *
     * @throws ConfigException when the file is missing, unreadable, not a valid configuration, or holds version 0
     */
    public static GatewayConfig readFileStore(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(file + " is larger than " + MAX_FILE_BYTES + " bytes; it is not a configuration file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + " does not exist", e);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
        GatewayConfig config;
        try {
            config = new ConfigCodec().parse(bytes);
        } catch (ConfigException e) {
            throw new ConfigException(file + " is not a valid configuration: " + e.getMessage(), e);
        }
        if (config.version() < 1) {
            throw new ConfigException(file + " holds version " + config.version() + "; a stored configuration starts at 1");
        }
        return config;
    }

    /**
     * Backend passwords still sealed in the unbound format ({@value SecretBox#UNBOUND_PREFIX}) are bound to their
     * database, as a gateway does at its start ({@link SealedSecretsCheck}); the result is then one version newer.
     *
     * @return {@code config} itself when there is nothing to convert
     */
    public static GatewayConfig bindUnboundSecrets(GatewayConfig config, SecretBox secrets) {
        MemoryConfigStore memory = new MemoryConfigStore(config, change -> { });
        SealedSecretsCheck.bindUnboundSecrets(memory, secrets);
        return memory.current();
    }

    /**
     * What in {@code config} the key of {@code secrets} does not open, one message per secret, never a value: the
     * backend secrets a start checks ({@link SealedSecretsCheck}), and the stored server certificate's key and a
     * pending CSR key, without which the replicas would not become ready, and the ACME account key (without it no
     * replica could renew).
     */
    public static List<String> unopenable(GatewayConfig config, SecretBox secrets) {
        List<String> problems = new ArrayList<>(SealedSecretsCheck.unreadable(config, secrets));
        TlsConfig tls = config.tls();
        if (tls.hasCertificate()) {
            opens(secrets, tls.sealedCertificateKey(), SecretBinding.listenerKey(tls.certificateSha256()), problems);
        }
        if (tls.sealedPendingKey() != null) {
            opens(secrets, tls.sealedPendingKey(), SecretBinding.pendingKey(), problems);
        }
        if (tls.acme() != null && tls.acme().sealedAccountKey() != null) {
            opens(secrets, tls.acme().sealedAccountKey(), SecretBinding.acmeAccountKey(tls.acme().directoryUrl()), problems);
        }
        return problems;
    }

    private static void opens(SecretBox secrets, String sealed, SecretBinding binding, List<String> problems) {
        try {
            secrets.open(sealed, binding);
        } catch (ConfigException e) {
            problems.add(e.getMessage());
        }
    }

    /**
     * Creates the table if it is missing and stores {@code config} as its first row, under its own version.
     *
     * @throws StoreNotEmptyException when the table holds any version; nothing is written
     * @throws ConfigStoreUnavailableException when the store cannot be reached or refuses us (the message has the
     *                                         SQLSTATE, never the password)
     */
    public static void intoEmpty(PostgresStoreSettings settings, GatewayConfig config) {
        PostgresConfigTable table = new PostgresConfigTable(settings.table());
        boolean committing = false;
        try (Connection connection = new PostgresConnector(settings).open()) {
            table.create(connection);
            connection.setAutoCommit(false);
            try {
                table.lockWriters(connection);
                long newest = table.newestVersion(connection);
                if (newest > 0) {
                    connection.rollback();
                    throw new StoreNotEmptyException("the " + settings + " already holds configuration version " + newest
                            + "; copy-store only fills an empty store (replicas that started on it wrote there). To "
                            + "replace it, empty the table first (DELETE FROM " + settings.table() + "), or choose "
                            + "another table with " + SettingNames.POSTGRESQL_TABLE);
                }
                table.append(connection, config.version(), new ConfigCodec().serialize(config),
                        WriterIdentity.describe() + " copy-store");
                committing = true;
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                if (!committing) {
                    try {
                        connection.rollback();
                    } catch (SQLException ignored) {
                        // The connection closes next, which rolls back as well.
                    }
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new ConfigStoreUnavailableException("the " + settings + " "
                    + (committing ? "broke off during the commit: the copy may or may not be stored; run copy-store "
                    + "again (it refuses if the copy is there)" : "cannot be written: " + PostgresConnector.describe(e)
                    + "; nothing was stored"), e);
        }
    }
}
