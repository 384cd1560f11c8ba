package io.portcullis.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileConfigStoreTest {

    @TempDir
    Path dir;

    private final List<ConfigChanged> events = new ArrayList<>();

    static DatabaseConfig db(String name, int port) {
        return new DatabaseConfig(name, "127.0.0.1", port, name, "admin", null, ServerTls.DISABLE,
                PoolMode.SESSION, 20, 0, 0, 0);
    }

    private FileConfigStore open() {
        return new FileConfigStore(dir, events::add);
    }

    @Test
    void startsEmptyAndCountsVersionsPerWrite() {
        FileConfigStore store = open();
        assertEquals(0, store.current().version());
        assertTrue(store.current().databases().isEmpty());
        assertFalse(Files.exists(dir.resolve(FileConfigStore.CONFIG_FILE)), "nothing is written before a change");

        GatewayConfig v1 = store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("a", 8812)));
        GatewayConfig v2 = store.update(1, c -> c.withDatabase(db("b", 8813)));
        assertEquals(1, v1.version());
        assertEquals(2, v2.version());
        assertSame(v2, store.current());
        assertEquals(2, events.size());
        assertEquals(0, events.get(0).before().version());
        assertEquals(1, events.get(0).after().version());
        assertEquals(v2, events.get(1).after());
    }

    /**
     * refresh() (the console's RELOAD) takes a newer config.json written by someone else, publishing it once; the same
     * bytes change nothing; an older version or an invalid document is refused and the one in force stays.
     */
    @Test
    void refreshTakesANewerFileAndRefusesAnOlderOrBrokenOne() throws Exception {
        FileConfigStore store = open();
        store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("a", 8812)));
        assertSame(store.current(), store.refresh(), "unchanged: nothing published");
        assertEquals(1, events.size());

        List<ConfigChanged> elsewhere = new ArrayList<>();
        FileConfigStore other = new FileConfigStore(dir, elsewhere::add); // someone else writing the same file
        other.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(db("b", 8813)));
        GatewayConfig refreshed = store.refresh();
        assertEquals(2, refreshed.version());
        assertTrue(refreshed.databases().containsKey("b"));
        assertEquals(2, events.size(), "published once");
        assertEquals(1, events.get(1).before().version());

        byte[] newer = Files.readAllBytes(dir.resolve(FileConfigStore.CONFIG_FILE));
        Files.writeString(dir.resolve(FileConfigStore.CONFIG_FILE), new String(newer, java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"version\" : 2", "\"version\" : 1"));
        ConfigException older = assertThrows(ConfigException.class, store::refresh);
        assertTrue(older.getMessage().contains("not newer"), older.getMessage());
        Files.writeString(dir.resolve(FileConfigStore.CONFIG_FILE), "{ not json");
        assertThrows(ConfigException.class, store::refresh);
        assertEquals(2, store.current().version(), "the configuration in force stays");
        assertEquals(2, events.size());
    }

    @Test
    void persistsAcrossRestartsWithOwnerOnlyFilesAndABackup() throws Exception {
        FileConfigStore store = open();
        store.update(-1, c -> c.withDatabase(db("a", 8812)));
        store.update(-1, c -> c.withDatabase(db("b", 8813)));

        GatewayConfig reloaded = open().current();
        assertEquals(2, reloaded.version());
        assertEquals(store.current(), reloaded);

        Path file = dir.resolve(FileConfigStore.CONFIG_FILE);
        Path backup = dir.resolve(FileConfigStore.BACKUP_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String previous = Files.readString(backup, StandardCharsets.UTF_8);
        assertTrue(previous.contains("\"version\" : 1"), previous);
        assertFalse(previous.contains("\"b\""), "the backup is the previous version");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(FileConfigStore.CONFIG_FILE, FileConfigStore.BACKUP_FILE),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files remain");
        }
    }

    @Test
    void refusesAStaleVersionAndStoresNothing() {
        FileConfigStore store = open();
        store.update(-1, c -> c.withDatabase(db("a", 8812)));
        VersionConflictException e = assertThrows(VersionConflictException.class,
                () -> store.update(0, c -> c.withDatabase(db("b", 8813))));
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());
        assertEquals(1, store.current().version());
        assertEquals(1, events.size());
    }

    @Test
    void refusesAnInvalidResultAndStoresNothing() throws Exception {
        FileConfigStore store = open();
        store.update(-1, c -> c.withDatabase(db("a", 8812)));
        byte[] before = Files.readAllBytes(dir.resolve(FileConfigStore.CONFIG_FILE));
        ConfigException e = assertThrows(ConfigException.class,
                () -> store.update(-1, c -> c.withDatabase(db("b", 70000))));
        assertEquals("database 'b': port must be between 1 and 65535, not 70000", e.getMessage());
        assertEquals(1, store.current().version());
        assertEquals(new String(before, StandardCharsets.UTF_8),
                Files.readString(dir.resolve(FileConfigStore.CONFIG_FILE)));
        assertEquals(1, events.size());
    }

    @Test
    void loadsTheBackupWhenConfigJsonIsHalfWritten() throws Exception {
        FileConfigStore store = open();
        store.update(-1, c -> c.withDatabase(db("a", 8812)));
        store.update(-1, c -> c.withDatabase(db("b", 8813)));
        Path file = dir.resolve(FileConfigStore.CONFIG_FILE);
        byte[] full = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(full, full.length / 2));

        FileConfigStore recovered = open();
        assertEquals(1, recovered.current().version());
        assertEquals(Map.of("a", db("a", 8812)), recovered.current().databases());
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("config.json.corrupt-")),
                    "the unreadable file is kept for inspection");
        }
        // config.json was restored from the backup, so the next start is clean and a write rotates normally.
        assertEquals(1, open().current().version());
        recovered.update(-1, c -> c.withDatabase(db("c", 8814)));
        assertEquals(2, open().current().version());
    }

    @Test
    void loadsTheBackupWhenConfigJsonIsInvalid() throws Exception {
        FileConfigStore store = open();
        store.update(-1, c -> c.withDatabase(db("a", 8812)));
        store.update(-1, c -> c.withDatabase(db("b", 8813)));
        Path file = dir.resolve(FileConfigStore.CONFIG_FILE);
        Files.writeString(file, Files.readString(file).replace("8813", "0"));
        assertEquals(1, open().current().version());
    }

    @Test
    void failsClearlyWhenBothFilesAreUnreadable() throws Exception {
        FileConfigStore store = open();
        store.update(-1, c -> c.withDatabase(db("a", 8812)));
        store.update(-1, c -> c.withDatabase(db("b", 8813)));
        Files.writeString(dir.resolve(FileConfigStore.CONFIG_FILE), "{\"format\": 1, \"config\": {");
        Files.writeString(dir.resolve(FileConfigStore.BACKUP_FILE), "garbage");
        ConfigException e = assertThrows(ConfigException.class, this::open);
        assertTrue(e.getMessage().startsWith("cannot start: neither"), e.getMessage());
        assertTrue(e.getMessage().contains(FileConfigStore.BACKUP_FILE), e.getMessage());
    }

    @Test
    void failsClearlyWhenConfigJsonIsUnreadableAndThereIsNoBackup() throws Exception {
        Files.writeString(dir.resolve(FileConfigStore.CONFIG_FILE), "{\"format\": 1, \"config\": {\"version\": 3, \"surprise\": 1}}");
        ConfigException e = assertThrows(ConfigException.class, this::open);
        assertTrue(e.getMessage().contains("unknown field 'surprise'"), e.getMessage());
        assertTrue(e.getMessage().contains("no backup"), e.getMessage());
    }

    @Test
    void refusesAFileFromANewerFormat() throws Exception {
        Files.writeString(dir.resolve(FileConfigStore.CONFIG_FILE), "{\"format\": 2, \"config\": {\"version\": 3}}");
        ConfigException e = assertThrows(ConfigException.class, this::open);
        assertTrue(e.getMessage().contains("format 2"), e.getMessage());
    }

    @Test
    void publishesOnlyAfterTheFileIsDurable() {
        List<Long> versionsOnDisk = new ArrayList<>();
        FileConfigStore store = new FileConfigStore(dir, event ->
                versionsOnDisk.add(new FileConfigStore(dir, e -> { }).current().version()));
        store.update(-1, c -> c.withDatabase(db("a", 8812)));
        assertEquals(List.of(1L), versionsOnDisk);
    }

    @Test
    void aFailingObserverDoesNotUndoTheWrite() {
        FileConfigStore store = new FileConfigStore(dir, event -> {
            throw new IllegalStateException("observer broke");
        });
        GatewayConfig stored = store.update(-1, c -> c.withDatabase(db("a", 8812)));
        assertEquals(1, stored.version());
        assertEquals(1, open().current().version());
    }

    @Test
    void serializesConcurrentWriters() throws Exception {
        FileConfigStore store = open();
        int writers = 8;
        int writesEach = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        for (int w = 0; w < writers; w++) {
            int id = w;
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < writesEach; i++) {
                    int n = i;
                    store.update(-1, c -> c.withDatabase(db("w" + id + "-" + n, 1000 + n)));
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        assertEquals(writers * writesEach, store.current().version());
        assertEquals(writers * writesEach, store.current().databases().size());
        assertEquals(store.current(), open().current());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).after().version(), "events arrive in version order");
        }
    }
}
