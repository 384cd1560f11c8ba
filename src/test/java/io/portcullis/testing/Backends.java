package io.portcullis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The QuestDB and PostgreSQL servers shared by every test class in this JVM.
 *
 * <p>Each is started on first use and stopped by a JVM shutdown hook, so a test run pays their startup
 * (several seconds each) once, not once per class. Tests must therefore leave them usable: create
 * uniquely named tables, and use {@link QuestDbServer#kill()}/{@link QuestDbServer#restart()} only on a
 * server of their own ({@link #newQuestDb(String)}), never on the shared one.
 *
 * <p>Work directories live under {@value #ROOT}: {@code questdb/} (QuestDB root and log),
 * {@code postgres/} (PostgreSQL logs). Each run replaces the previous run's QuestDB directory.
 *
 * <p>The singletons are the one JVM-wide state of the harness, by design: sharing is the point. Each
 * server starts exactly once even with parallel tests, and a start that failed is not retried (every later
 * caller gets an error carrying the first cause).
 */
public final class Backends {

    /** Relative to the Maven base directory, where surefire runs tests. */
    public static final String ROOT = "target/test-backends";

    private static final SharedServer<QuestDbServer> QUESTDB =
            new SharedServer<>("questdb", () -> QuestDbServer.start(freshDirectory("questdb")));

    private static final SharedServer<PostgresServer> POSTGRES =
            new SharedServer<>("postgres", () -> PostgresServer.start(freshDirectory("postgres")));

    private Backends() {
    }

    /** The shared QuestDB, started on first call. */
    public static QuestDbServer questdb() {
        return QUESTDB.get();
    }

    /** The shared PostgreSQL, started on first call. */
    public static PostgresServer postgres() {
        return POSTGRES.get();
    }

    /**
     * A private QuestDB in a fresh directory {@value #ROOT}/{@code name}, for tests that kill or restart it.
     * The caller closes it.
     */
    public static QuestDbServer newQuestDb(String name) {
        return QuestDbServer.start(freshDirectory(name));
    }

    /**
     * A private PostgreSQL with the same roles as the shared one, logs in {@value #ROOT}/{@code name}, for
     * tests that stop it. The caller closes it (which deletes its data).
     */
    public static PostgresServer newPostgres(String name) {
        return PostgresServer.start(freshDirectory(name));
    }

    /** An empty directory under {@value #ROOT}; an existing one from an earlier run is emptied first. */
    public static Path freshDirectory(String name) {
        Path dir = Path.of(ROOT, name).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> tree = Files.walk(dir)) {
                    for (Path each : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                        Files.delete(each);
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }
}
