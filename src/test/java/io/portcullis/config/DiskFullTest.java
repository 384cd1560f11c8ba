package io.portcullis.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A write that the kernel refuses with ENOSPC. Linux's {@code /dev/full} fails every write with
 * exactly that error, so the store's temporary files are written through it while the "disk" is
 * full: a real ENOSPC from the kernel, no root, no mount.
 */
class DiskFullTest {

    private static final Path DEV_FULL = Path.of("/dev/full");

    @TempDir
    Path dir;

    private final AtomicBoolean full = new AtomicBoolean();
    private final List<ConfigChanged> events = new ArrayList<>();

    @BeforeEach
    void linuxOnly() {
        assumeTrue(Files.isWritable(DEV_FULL), "needs Linux's /dev/full");
    }

    /** A store whose temporary files named by {@code affected} go to /dev/full while {@link #full} is set. */
    private FileConfigStore open(Predicate<String> affected) {
        return new FileConfigStore(dir, events::add, tmp -> full.get() && affected.test(tmp.getFileName().toString())
                ? FileChannel.open(DEV_FULL, StandardOpenOption.WRITE)
                : FileWrites.DISK.openTemporary(tmp));
    }

    private byte[] onDisk(String name) throws IOException {
        return Files.readAllBytes(dir.resolve(name));
    }

    private List<String> files() throws IOException {
        try (var list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFullDiskLeavesTheOldConfigurationOnDiskAndInMemoryAndTheNextWriteWorks() throws Exception {
        FileConfigStore store = open(name -> true);
        store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(FileConfigStoreTest.db("a", 8812)));
        GatewayConfig v2 = store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(FileConfigStoreTest.db("b", 8813)));
        byte[] fileBefore = onDisk(FileConfigStore.CONFIG_FILE);
        byte[] backupBefore = onDisk(FileConfigStore.BACKUP_FILE);

        full.set(true);
        ConfigStorageException e = assertThrows(ConfigStorageException.class,
                () -> store.update(2, c -> c.withDatabase(FileConfigStoreTest.db("c", 8814))));
        assertTrue(e.outOfSpace(), "recognised as out of space: " + e.getCause());
        assertEquals(2, e.keptVersion());
        assertTrue(e.getMessage().contains("no space left"), e.getMessage());
        assertTrue(e.getMessage().contains("version 2 stays in effect"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().normalize().toString()), "names the directory: " + e.getMessage());

        assertSame(v2, store.current(), "memory keeps the stored version");
        assertEquals(2, events.size(), "no change event for a write that was not stored");
        assertArrayEquals(fileBefore, onDisk(FileConfigStore.CONFIG_FILE), "config.json untouched");
        assertArrayEquals(backupBefore, onDisk(FileConfigStore.BACKUP_FILE), "backup untouched");
        assertEquals(List.of(FileConfigStore.CONFIG_FILE, FileConfigStore.BACKUP_FILE), files(), "no temporary file left");
        assertEquals(v2, new FileConfigStore(dir, x -> { }).current(), "a restart loads version 2");

        full.set(false);
        GatewayConfig v3 = store.update(2, c -> c.withDatabase(FileConfigStoreTest.db("c", 8814)));
        assertEquals(3, v3.version(), "the same write succeeds once there is space, based on version 2");
        assertEquals(v3, new FileConfigStore(dir, x -> { }).current());
        assertEquals(3, events.size());
    }

    @Test
    void theDiskFillingUpBetweenBackupAndFileStillChangesNothing() throws Exception {
        // The backup (config.json.bak.*.tmp) is written; config.json's own temporary file hits ENOSPC.
        FileConfigStore store = open(name -> !name.startsWith(FileConfigStore.BACKUP_FILE));
        store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(FileConfigStoreTest.db("a", 8812)));
        GatewayConfig v2 = store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(FileConfigStoreTest.db("b", 8813)));
        byte[] fileBefore = onDisk(FileConfigStore.CONFIG_FILE);

        full.set(true);
        ConfigStorageException e = assertThrows(ConfigStorageException.class,
                () -> store.update(ConfigStore.ANY_VERSION, c -> c.withoutDatabase("a")));
        assertTrue(e.outOfSpace(), e.getMessage());
        assertSame(v2, store.current());
        assertArrayEquals(fileBefore, onDisk(FileConfigStore.CONFIG_FILE));
        assertArrayEquals(fileBefore, onDisk(FileConfigStore.BACKUP_FILE), "the backup now holds what config.json holds");
        assertEquals(List.of(FileConfigStore.CONFIG_FILE, FileConfigStore.BACKUP_FILE), files());

        // Even if config.json were lost now, the backup is version 2, not older.
        Files.delete(dir.resolve(FileConfigStore.CONFIG_FILE));
        assertEquals(v2, new FileConfigStore(dir, x -> { }).current());
    }

    @Test
    void aFailureAfterTheRenamePutsTheVersionInEffectBackOnDisk() throws Exception {
        // Broken: the first directory sync (after the backup's rename) passes, every later one fails.
        AtomicBoolean brokenSync = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger syncsWhileBroken = new java.util.concurrent.atomic.AtomicInteger();
        FileConfigStore store = new FileConfigStore(dir, events::add, new FileWrites() {
            @Override
            public FileChannel openTemporary(Path tmp) throws IOException {
                return FileWrites.DISK.openTemporary(tmp);
            }

            @Override
            public void syncDirectory(Path directory) throws IOException {
                if (brokenSync.get() && syncsWhileBroken.incrementAndGet() > 1) {
                    throw new IOException("Input/output error");
                }
                FileWrites.DISK.syncDirectory(directory);
            }
        });
        GatewayConfig v1 = store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(FileConfigStoreTest.db("a", 8812)));
        byte[] fileBefore = onDisk(FileConfigStore.CONFIG_FILE);

        brokenSync.set(true); // config.json's rename happens, forcing the directory afterwards fails
        ConfigStorageException e = assertThrows(ConfigStorageException.class,
                () -> store.update(1, c -> c.withDatabase(FileConfigStoreTest.db("b", 8813))));
        assertFalse(e.outOfSpace());
        assertSame(v1, store.current());
        assertArrayEquals(fileBefore, onDisk(FileConfigStore.CONFIG_FILE),
                "config.json holds the version in effect again, not the refused one");
        assertEquals(v1, new FileConfigStore(dir, x -> { }).current(), "a restart loads what was in effect");
        assertEquals(1, events.size());
        assertTrue(syncsWhileBroken.get() >= 2, "the failure came after config.json's rename");

        brokenSync.set(false);
        assertEquals(2, store.update(1, c -> c.withDatabase(FileConfigStoreTest.db("b", 8813))).version());
    }

    @Test
    void aFailureAfterTheFirstEverRenameLeavesNoFile() {
        FileConfigStore store = new FileConfigStore(dir, events::add, new FileWrites() {
            @Override
            public FileChannel openTemporary(Path tmp) throws IOException {
                return FileWrites.DISK.openTemporary(tmp);
            }

            @Override
            public void syncDirectory(Path directory) throws IOException {
                throw new IOException("Input/output error");
            }
        });
        assertThrows(ConfigStorageException.class,
                () -> store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(FileConfigStoreTest.db("a", 8812))));
        assertEquals(0, store.current().version());
        assertFalse(Files.exists(dir.resolve(FileConfigStore.CONFIG_FILE)), "version 1 was never in effect");
    }

    @Test
    void otherWriteErrorsAreStorageFailuresButNotOutOfSpace() {
        FileConfigStore store = new FileConfigStore(dir, events::add, tmp -> {
            throw new IOException("Input/output error");
        });
        ConfigStorageException e = assertThrows(ConfigStorageException.class,
                () -> store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(FileConfigStoreTest.db("a", 8812))));
        assertFalse(e.outOfSpace());
        assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
        assertEquals(0, store.current().version());
        assertFalse(Files.exists(dir.resolve(FileConfigStore.CONFIG_FILE)));
    }
}
