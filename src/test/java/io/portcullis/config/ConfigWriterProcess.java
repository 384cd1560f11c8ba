package io.portcullis.config;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The victim of {@link CrashSafetyTest}, run in its own JVM: opens the store in the directory given
 * as the only argument and writes new versions as fast as it can until it is killed, printing
 * {@code acked <version>} after each {@code update()} returned (the moment a REST client would get
 * its 200). Every version's content is {@link #expected(long)}, so whoever reads the store later can
 * tell a torn or mixed file from a whole one.
 */
public final class ConfigWriterProcess {

    /** Enough databases that a file is a few kilobytes: many write() calls, a wide window for a kill. */
    static final int DATABASES = 40;
    static final String ACK = "acked ";
    static final String READY = "ready ";

    private ConfigWriterProcess() {
    }

    /** The databases version {@code version} holds: every port derives from the version. */
    static Map<String, DatabaseConfig> expected(long version) {
        Map<String, DatabaseConfig> databases = new TreeMap<>();
        for (int i = 0; i < DATABASES; i++) {
            databases.put("db" + i, FileConfigStoreTest.db("db" + i, 1024 + (int) ((version * 31 + i) % 60_000)));
        }
        return databases;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        FileConfigStore store = new FileConfigStore(Path.of(args[0]), change -> { });
        out.println(READY + store.current().version());
        while (true) {
            GatewayConfig stored = store.update(ConfigStore.ANY_VERSION, config -> {
                GatewayConfig next = config;
                for (DatabaseConfig db : expected(config.version() + 1).values()) {
                    next = next.withDatabase(db);
                }
                return next;
            });
            out.println(ACK + stored.version());
        }
    }
}
