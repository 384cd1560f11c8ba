package io.portcullis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A QuestDB server in its own process, for integration tests: loopback only, free ports, small footprint.
 *
 * <p>QuestDB runs from the jar the build copies to {@code target/backends/questdb.jar} (override with the
 * system property {@value #JAR_PROPERTY}), on the same {@code java} as the test JVM, with {@code workDir} as
 * its root directory: {@code conf/server.conf} and {@code conf/log.conf} are written there, tables go to
 * {@code db/}, and everything the process prints goes to {@code questdb.log}. Nothing is deleted on close,
 * so a failed run can be inspected; the caller owns {@code workDir}.
 *
 * <p>Test-friendly settings worth knowing when writing a test:
 * <ul>
 *   <li>New tables are <b>not WAL</b> ({@code cairo.wal.enabled.default=false}): a committed insert is
 *       visible to the next query at once. With WAL it becomes visible only after an asynchronous apply job.</li>
 *   <li>The PG connection limit is QuestDB's default, {@value #PG_CONNECTION_LIMIT}, as in production.</li>
 *   <li>The log keeps advisory, error and critical lines only; QuestDB logs every query twice at INFO.</li>
 * </ul>
 *
 * <p>{@link #kill()} and {@link #restart()} are for fault tests; the ports stay the same across restarts.
 * Thread-safe: lifecycle methods are synchronized.
 */
public final class QuestDbServer implements AutoCloseable {

    /** System property naming the QuestDB jar, for running outside the Maven build. */
    public static final String JAR_PROPERTY = "portcullis.test.questdb-jar";

    /** Where the pom's process-test-resources step copies {@code org.questdb:questdb}. */
    static final Path DEFAULT_JAR = Path.of("target", "backends", "questdb.jar");

    public static final String USER = "admin";
    public static final String PASSWORD = "quest";
    /** QuestDB's built-in read-only user, enabled by {@code pg.readonly.user.enabled=true}. */
    public static final String READONLY_USER = "user";
    public static final String READONLY_PASSWORD = "quest";
    /** QuestDB ignores the database name; {@code qdb} is what its docs use. */
    public static final String DATABASE = "qdb";

    /** QuestDB's default PG connection limit, left unchanged so pool tests see the production value. */
    public static final int PG_CONNECTION_LIMIT = 64;

    /** Heap of the QuestDB JVM; QuestDB keeps table data off-heap, so this stays modest. */
    static final String MAX_HEAP = "-Xmx384m";

    /** Cold start takes about 5 s here; a loaded 2-core CI box may need many times that. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);

    /** Grace period for a clean shutdown before the process is killed. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    static final String LOG_FILE = "questdb.log";

    private final Path workDir;
    private final Path jar;
    private final int pgPort;
    private final int httpPort;
    private final int httpMinPort;
    private final int lineTcpPort;
    private Process process;

    private QuestDbServer(Path workDir, Path jar) {
        this.workDir = workDir;
        this.jar = jar;
        this.pgPort = FreePorts.next();
        this.httpPort = FreePorts.next();
        this.httpMinPort = FreePorts.next();
        this.lineTcpPort = FreePorts.next();
    }

    /**
     * Writes the configuration into {@code workDir}, starts QuestDB and waits until its PG port accepts a
     * login as {@value #USER}.
     *
     * @throws IllegalStateException if the jar is missing or QuestDB is not ready within the timeout; the
     *         message quotes the end of its log
     */
    public static QuestDbServer start(Path workDir) {
        Path jar = locateJar();
        QuestDbServer server = new QuestDbServer(workDir.toAbsolutePath(), jar);
        try {
            server.writeConfiguration();
            server.launch();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Path locateJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        Path jar = (configured == null ? DEFAULT_JAR : Path.of(configured)).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("QuestDB jar not found at " + jar
                    + "; run `./mvnw -B process-test-resources` (it copies org.questdb:questdb there) or set -D"
                    + JAR_PROPERTY);
        }
        return jar;
    }

    private void writeConfiguration() {
        try {
            Path conf = Files.createDirectories(workDir.resolve("conf"));
            Files.writeString(conf.resolve("server.conf"), properties(serverProperties()), StandardCharsets.UTF_8);
            Files.writeString(conf.resolve("log.conf"), properties(logProperties()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write QuestDB configuration under " + workDir, e);
        }
    }

    private Map<String, String> serverProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pg.net.bind.to", Loopback.HOST + ":" + pgPort);
        p.put("http.net.bind.to", Loopback.HOST + ":" + httpPort);
        p.put("http.min.net.bind.to", Loopback.HOST + ":" + httpMinPort);
        p.put("line.tcp.net.bind.to", Loopback.HOST + ":" + lineTcpPort);
        p.put("line.udp.enabled", "false");
        p.put("telemetry.enabled", "false");
        p.put("pg.readonly.user.enabled", "true");
        // Committed rows visible immediately (see class Javadoc).
        p.put("cairo.wal.enabled.default", "false");
        // One thread per pool: the CI box has two cores shared with the gateway and the test clients.
        p.put("shared.network.worker.count", "1");
        p.put("shared.query.worker.count", "1");
        p.put("shared.write.worker.count", "1");
        return p;
    }

    /** QuestDB reads {@code conf/log.conf} from its root directory when the file exists. */
    private static Map<String, String> logProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("writers", "stdout");
        p.put("w.stdout.class", "io.questdb.log.LogConsoleWriter");
        p.put("w.stdout.level", "ADVISORY,ERROR,CRITICAL");
        return p;
    }

    private static String properties(Map<String, String> values) {
        StringBuilder text = new StringBuilder("# written by io.portcullis.testing.QuestDbServer\n");
        values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(MAX_HEAP);
        command.add("-p");
        command.add(jar.toString());
        command.add("-m");
        command.add("io.questdb/io.questdb.ServerMain");
        command.add("-d");
        command.add(workDir.toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        // QDB_* variables override server.conf; an inherited one must not change the test setup.
        builder.environment().keySet().removeIf(name -> name.startsWith("QDB_"));
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start QuestDB: " + command, e);
        }
        PgLogin.awaitLogin("QuestDB", process, logFile(), pgPort, DATABASE, USER, PASSWORD, STARTUP_TIMEOUT);
    }

    public String host() {
        return Loopback.HOST;
    }

    public int pgPort() {
        return pgPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public int httpMinPort() {
        return httpMinPort;
    }

    public int lineTcpPort() {
        return lineTcpPort;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public String readonlyUser() {
        return READONLY_USER;
    }

    public String readonlyPassword() {
        return READONLY_PASSWORD;
    }

    public String database() {
        return DATABASE;
    }

    /** A pgJDBC URL straight to QuestDB (no gateway), TLS off. */
    public String jdbcUrl() {
        return PgLogin.url(pgPort, DATABASE);
    }

    /** A direct connection as {@value #USER}. The caller closes it. */
    public Connection connect() throws SQLException {
        return PgLogin.connect(pgPort, DATABASE, USER, PASSWORD);
    }

    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return workDir.resolve(LOG_FILE);
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the process at once (SIGKILL), as a crash would; clients see their connections drop. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit(process, STOP_TIMEOUT);
        }
    }

    /**
     * Stops QuestDB if it runs (cleanly) and starts it again on the same ports and data, returning once it
     * accepts logins again. Works after {@link #kill()} too.
     */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** Stops the process: SIGTERM, wait, then SIGKILL. Keeps {@code workDir}. Idempotent. */
    @Override
    public synchronized void close() {
        stop();
    }

    private void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(process, STOP_TIMEOUT)) {
            process.destroyForcibly();
            awaitExit(process, STOP_TIMEOUT);
        }
    }

    private static boolean awaitExit(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    @Override
    public String toString() {
        return "QuestDB at " + Loopback.HOST + ":" + pgPort + " (http " + httpPort + ", root " + workDir + ")";
    }
}
