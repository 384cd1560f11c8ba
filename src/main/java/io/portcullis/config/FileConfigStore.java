package io.portcullis.config;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The embedded {@link ConfigStore}: one JSON file, {@code <portcullis.data-dir>/config.json}.
 *
 * <p>Durability: every write goes to a temporary file in the same directory, is forced to disk,
 * renamed over the old file atomically, and the directory is forced too, so after a crash the file
 * holds either the old or the new snapshot. Before that, the previous file's content is written
 * the same way to {@code config.json.bak}. A write that fails (disk full, I/O error) changes
 * nothing: the snapshot in memory stays, {@code config.json} is set back if the failure came after
 * its rename, and the caller gets a {@link ConfigStorageException}.
 *
 * <p>Recovery: if {@code config.json} cannot be read at startup (half-written by a broken disk,
 * edited by hand into invalid JSON or an invalid configuration), the backup is loaded with a loud
 * warning, the unreadable file is kept beside it as {@code config.json.corrupt-<millis>} for
 * inspection, and {@code config.json} is restored from the backup. If neither can be read, startup
 * fails: starting empty would silently drop every database, user and token.
 *
 * <p>Concurrency: reads return the newest snapshot from a volatile field and never block. Writes
 * are serialized by one lock, block on disk I/O (call them from a worker thread) and publish one
 * {@link ConfigChanged} after the file is durable, while still holding the lock so observers see
 * changes in version order.
 *
 * <p>Made by {@link ConfigStoreProducer} unless {@code portcullis.config.store} selects another store.
 */
public class FileConfigStore implements ConfigStore {

    public static final String CONFIG_FILE = "config.json";
    public static final String BACKUP_FILE = "config.json.bak";
    static final String CORRUPT_SUFFIX = ".corrupt-";

    private static final Logger LOG = Logger.getLogger(FileConfigStore.class);

    private final Path file;
    private final Path backup;
    private final Consumer<ConfigChanged> publisher;
    private final FileWrites writes;
    private final ConfigCodec codec = new ConfigCodec();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** The newest durable snapshot. */
    private volatile GatewayConfig current;
    /** Exactly what {@code config.json} holds, or null before the first write. Guarded by writeLock. */
    private byte[] currentBytes;

    /**
     * Loads (or recovers) the stored configuration from {@code dataDir}, creating the directory.
     *
     * @param publisher receives one event per write, after the write is durable
     * @throws ConfigException when neither {@code config.json} nor its backup can be read
     */
    public FileConfigStore(Path dataDir, Consumer<ConfigChanged> publisher) {
        this(dataDir, publisher, FileWrites.DISK);
    }

    /** Writes through {@code writes}: the seam tests use to make the disk full or broken. */
    FileConfigStore(Path dataDir, Consumer<ConfigChanged> publisher, FileWrites writes) {
        this.writes = Objects.requireNonNull(writes);
        Path dir = dataDir.toAbsolutePath().normalize();
        this.file = dir.resolve(CONFIG_FILE);
        this.backup = dir.resolve(BACKUP_FILE);
        this.publisher = Objects.requireNonNull(publisher);
        writeLock.lock();
        try {
            DurableFiles.createDirectories(dir);
            removeLeftoverTemporaries(dir);
            this.current = load();
        } catch (IOException e) {
            throw new ConfigException("cannot use the data directory " + dir + ": " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public GatewayConfig current() {
        return current;
    }

    @Override
    public GatewayConfig update(long expectedVersion, UnaryOperator<GatewayConfig> change) {
        Objects.requireNonNull(change, "change");
        writeLock.lock();
        try {
            GatewayConfig before = current;
            if (expectedVersion != ANY_VERSION && expectedVersion != before.version()) {
                throw new VersionConflictException(expectedVersion, before.version());
            }
            GatewayConfig after = NextVersion.of(before, change);
            byte[] bytes = serialize(after);
            persist(bytes, before.version());
            current = after;
            currentBytes = bytes;
            publish(new ConfigChanged(before, after));
            return after;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * {@code config.json} as it is now: an edit made there (with a newer version) is validated and published as if
     * written through {@link #update}; anything else (the same bytes, an older or equal version, an invalid
     * document) leaves the configuration in force.
     */
    @Override
    public GatewayConfig refresh() {
        writeLock.lock();
        try {
            byte[] bytes;
            try {
                bytes = Files.exists(file) ? Files.readAllBytes(file) : null;
            } catch (IOException e) {
                throw new ConfigException(file + " cannot be read: " + e.getMessage(), e);
            }
            if (bytes == null || java.util.Arrays.equals(bytes, currentBytes)) {
                return current;
            }
            GatewayConfig read = parse(bytes);
            GatewayConfig before = current;
            if (read.version() <= before.version()) {
                throw new ConfigException(file + " holds configuration version " + read.version() + ", not newer than "
                        + "version " + before.version() + " in force; an edit must raise the version");
            }
            current = read;
            currentBytes = bytes;
            LOG.infof("Reloaded configuration version %d from %s", read.version(), file);
            publish(new ConfigChanged(before, read));
            return read;
        } finally {
            writeLock.unlock();
        }
    }

    /** Where the configuration is stored. */
    public Path file() {
        return file;
    }

    /**
     * Makes {@code bytes} the durable content of {@code config.json}. On failure nothing the caller
     * can observe has changed: the backup (if written) holds exactly what {@code config.json} still
     * holds, and the temporary file is gone.
     */
    private void persist(byte[] bytes, long keptVersion) {
        try {
            if (currentBytes != null) {
                DurableFiles.writeAtomically(backup, currentBytes, writes);
            }
            DurableFiles.writeAtomically(file, bytes, writes);
        } catch (IOException e) {
            LOG.errorf("Configuration version %d could not be stored in %s (%s); version %d stays in effect",
                    keptVersion + 1, file.getParent(), e.getMessage(), keptVersion);
            undoIfReplaced(bytes, keptVersion);
            throw new ConfigStorageException(file.getParent(), keptVersion, e);
        }
    }

    /**
     * A failure after the rename (forcing the directory) leaves the refused version visible in
     * {@code config.json}, where a restart would load it although it was never put into effect:
     * puts back what is in effect.
     */
    private void undoIfReplaced(byte[] refused, long keptVersion) {
        if (!holds(refused)) {
            return;
        }
        try {
            if (currentBytes == null) {
                Files.delete(file);
            } else {
                DurableFiles.writeAtomically(file, currentBytes, writes);
            }
        } catch (IOException | RuntimeException e) {
            if (holds(refused)) {
                LOG.errorf("!!! %s holds configuration version %d, which is NOT in effect, and could not be set back "
                        + "to version %d (%s): a restart would load version %d", file, keptVersion + 1, keptVersion,
                        e.getMessage(), keptVersion + 1);
            }
        }
    }

    /** Whether {@code config.json} holds exactly {@code content}; false when it is missing or unreadable. */
    private boolean holds(byte[] content) {
        try {
            return Files.exists(file) && Arrays.equals(Files.readAllBytes(file), content);
        } catch (IOException e) {
            return false;
        }
    }

    private void publish(ConfigChanged event) {
        try {
            publisher.accept(event);
        } catch (RuntimeException e) {
            // The write is durable and stays; an observer that cannot apply it must say why itself.
            LOG.errorf(e, "Configuration version %d is stored, but an observer failed to apply it",
                    event.after().version());
        }
    }

    private GatewayConfig load() throws IOException {
        boolean hasFile = Files.exists(file);
        boolean hasBackup = Files.exists(backup);
        if (!hasFile && !hasBackup) {
            LOG.infof("No configuration in %s yet; starting with an empty one", file.getParent());
            currentBytes = null;
            return GatewayConfig.EMPTY;
        }
        String fileProblem = "it is missing";
        if (hasFile) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                GatewayConfig config = parse(bytes);
                currentBytes = bytes;
                LOG.infof("Loaded configuration version %d from %s (%d databases, %d users, %d API tokens)",
                        config.version(), file, config.databases().size(), config.users().size(),
                        config.tokens().size());
                return config;
            } catch (ConfigException e) {
                fileProblem = e.getMessage();
            }
        }
        if (!hasBackup) {
            throw new ConfigException("cannot start: " + file + " is unreadable (" + fileProblem
                    + ") and there is no backup " + backup.getFileName()
                    + "; fix the file or restore it from your own backup");
        }
        byte[] backupBytes = Files.readAllBytes(backup);
        GatewayConfig config;
        try {
            config = parse(backupBytes);
        } catch (ConfigException e) {
            throw new ConfigException("cannot start: neither " + file + " (" + fileProblem + ") nor its backup "
                    + backup.getFileName() + " (" + e.getMessage() + ") can be read; restore one of them "
                    + "from your own backup, or remove both to start with an empty configuration");
        }
        Path keptAside = null;
        if (hasFile) {
            keptAside = file.resolveSibling(CONFIG_FILE + CORRUPT_SUFFIX + System.currentTimeMillis());
            Files.move(file, keptAside, StandardCopyOption.ATOMIC_MOVE);
        }
        DurableFiles.writeAtomically(file, backupBytes, writes);
        currentBytes = backupBytes;
        LOG.errorf("!!! %s could not be read (%s). Loaded the backup %s instead: configuration version %d "
                        + "(%d databases, %d users). Changes made after that version are LOST%s.",
                file, fileProblem, backup.getFileName(), config.version(), config.databases().size(),
                config.users().size(), keptAside == null ? "" : "; the unreadable file is kept as " + keptAside);
        return config;
    }

    private GatewayConfig parse(byte[] bytes) {
        return codec.parse(bytes);
    }

    private byte[] serialize(GatewayConfig config) {
        return codec.serialize(config);
    }

    private static void removeLeftoverTemporaries(Path dir) throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "config.json*.tmp")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
    }
}
