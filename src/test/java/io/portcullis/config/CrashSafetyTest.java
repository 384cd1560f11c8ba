package io.portcullis.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} in the middle of a burst of writes: the store must load afterwards from
 * {@code config.json} itself (not by falling back to the backup), hold at least the last version
 * whose write was acknowledged, and hold exactly that version's content. The writer runs in a
 * child JVM ({@link ConfigWriterProcess}); {@link Process#destroyForcibly()} is SIGKILL on Linux.
 */
class CrashSafetyTest {

    private static final int ROUNDS = 5;
    /** Acknowledged writes to wait for before the kill window opens: the burst is under way. */
    private static final int WRITES_BEFORE_KILL = 1;
    private static final long MAX_KILL_DELAY_MILLIS = 300;

    @TempDir
    Path dir;

    @Test
    void killDashNineDuringABurstOfWritesLosesNoAcknowledgedWriteAndNeverLeavesAnUnloadableFile() throws Exception {
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        long previous = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            long delay = random.nextLong(MAX_KILL_DELAY_MILLIS);
            long acked = killDuringWrites(delay);
            String where = "round " + round + " (kill " + delay + " ms into the burst, seed " + seed + ")";

            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(FileConfigStore.CORRUPT_SUFFIX)),
                        where + ": config.json was torn and the backup had to be used");
            }
            GatewayConfig loaded = new FileConfigStore(dir, change -> { }).current();
            assertTrue(acked > previous, where + ": the writer acknowledged new writes");
            assertTrue(loaded.version() >= acked, where + ": acknowledged version " + acked + " lost, loaded "
                    + loaded.version());
            // No upper bound: acknowledgements still in the pipe when the writer dies may be lost to the reader.
            assertEquals(ConfigWriterProcess.expected(loaded.version()), loaded.databases(),
                    where + ": the content is exactly version " + loaded.version() + "'s");
            try (var files = Files.list(dir)) {
                // The backup is written from the second write on: a kill before that leaves config.json alone.
                List<String> left = files.map(p -> p.getFileName().toString()).sorted().toList();
                boolean both = left.equals(List.of(FileConfigStore.CONFIG_FILE, FileConfigStore.BACKUP_FILE));
                boolean noBackupYet = loaded.version() <= 1 && left.equals(List.of(FileConfigStore.CONFIG_FILE));
                assertTrue(both || noBackupYet, where + ": leftover temporary files are removed on open, found " + left);
            }
            previous = loaded.version();
        }
    }

    @Test
    void aWriterThatDiesHalfwayThroughItsTemporaryFileLeavesTheLastStoredVersionAndNoLeftovers() throws Exception {
        GatewayConfig stored = new FileConfigStore(dir, change -> { })
                .update(ConfigStore.ANY_VERSION, c -> c.withDatabase(FileConfigStoreTest.db("a", 8812)));
        FileConfigStore dying = new FileConfigStore(dir, change -> { }, tmp -> {
            Files.writeString(tmp, "{\"format\" : 1, \"config\" : {\"version\" : 2, \"datab"); // torn
            throw new SimulatedCrash(); // an Error: nothing cleans up, as after kill -9
        });
        assertThrows(SimulatedCrash.class, () -> dying.update(ConfigStore.ANY_VERSION, c -> c.withoutDatabase("a")));
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "the torn temporary file is there");
        }

        GatewayConfig loaded = new FileConfigStore(dir, change -> { }).current();
        assertEquals(stored, loaded, "the torn temporary file is never read as the configuration");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(FileConfigStore.CONFIG_FILE), files.map(p -> p.getFileName().toString()).toList(),
                    "and it is removed on open");
        }
    }

    /** Stands for the process dying: not an IOException or RuntimeException, so no cleanup runs. */
    private static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated kill -9", null, false, false);
        }
    }

    /** Starts a writer, kills it {@code delayMillis} after its burst is under way, returns the last acknowledged version. */
    private long killDuringWrites(long delayMillis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), ConfigWriterProcess.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        AtomicLong lastAck = new AtomicLong(-1);
        java.util.concurrent.CountDownLatch burst = new java.util.concurrent.CountDownLatch(WRITES_BEFORE_KILL);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.matches(ConfigWriterProcess.ACK + "\\d+")) { // anything else (JVM warnings) is not an ack
                        lastAck.set(Long.parseLong(line.substring(ConfigWriterProcess.ACK.length())));
                        burst.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                // the pipe breaks when the writer dies: what was read is what was acknowledged
            }
        }, "writer-acks");
        reader.start();
        try {
            assertTrue(burst.await(20, TimeUnit.SECONDS), "the writer started writing");
            Thread.sleep(delayMillis);
        } finally {
            writer.destroyForcibly();
            assertTrue(writer.waitFor(10, TimeUnit.SECONDS), "the writer died");
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(137, writer.exitValue(), "killed by SIGKILL, not ended on its own");
        return lastAck.get();
    }
}
