package io.portcullis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster for integration tests: Debian's binaries, a fresh data directory, a free
 * loopback port, and three login roles whose passwords are stored the way the gateway must cope with.
 *
 * <ul>
 *   <li>{@value #SUPERUSER} / {@value #SUPERUSER_PASSWORD}: superuser, SCRAM over TCP, for test setup and
 *       assertions (e.g. reading {@code pg_authid}).</li>
 *   <li>{@value #SCRAM_USER} / {@value #SCRAM_PASSWORD}: SCRAM-SHA-256 verifier; owns database
 *       {@value #DATABASE}.</li>
 *   <li>{@value #MD5_USER} / {@value #MD5_PASSWORD}: md5 hash, and {@code pg_hba.conf} asks it for md5, so
 *       an md5 login is really exercised; may connect to {@value #DATABASE} and create tables in
 *       {@code public}.</li>
 * </ul>
 *
 * <p>pg_hba.conf: local socket trusted; TCP from 127.0.0.1 only, md5 for {@value #MD5_USER}, SCRAM for
 * everyone else. TLS is off ({@code ssl=off}); fsync is off (data is thrown away).
 *
 * <p>{@link #startWithTls} makes a TLS-only server instead: {@code ssl=on} with a given certificate, every TCP
 * line {@code hostssl}, plain TCP rejected ({@code hostnossl all all 0.0.0.0/0 reject} and {@code ::/0}), and a
 * role {@value #CERT_USER} that logs in with a client certificate ({@code cert}) issued by the given client CA.
 *
 * <p>The data directory and Unix socket live in a fresh directory under {@code java.io.tmpdir}, not in
 * {@code workDir}: when the JVM is root the {@code postgres} OS user must own and reach them (a clone under
 * {@code /root} is not reachable), and a socket path must stay under ~100 bytes. {@code workDir} keeps the
 * logs ({@value #INITDB_LOG}, {@value #SERVER_LOG}). {@link #close()} stops the server and deletes the data
 * directory.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String SUPERUSER = "postgres";
    public static final String SUPERUSER_PASSWORD = "super-pass";
    public static final String SCRAM_USER = "scramuser";
    public static final String SCRAM_PASSWORD = "scram-pass";
    public static final String MD5_USER = "md5user";
    public static final String MD5_PASSWORD = "md5-pass";
    /** On a TLS server: logs in with a client certificate whose CN is this name, no password. */
    public static final String CERT_USER = "certuser";
    /** The application database, owned by {@value #SCRAM_USER}. */
    public static final String DATABASE = "app";
    /** The database every cluster has; the superuser's default. */
    public static final String MAINTENANCE_DATABASE = "postgres";

    /** Enough for pool tests that open more connections than a pool should allow. */
    public static final int MAX_CONNECTIONS = 300;

    static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    static final String INITDB_LOG = "initdb.log";
    static final String SERVER_LOG = "postgres.log";

    private static final String TEMP_PREFIX = "portcullis-pg-";

    /**
     * What a TLS-only server serves and trusts.
     *
     * @param certificatePem its certificate (chain)
     * @param keyPem         the certificate's private key
     * @param clientCaPem    the CA client certificates must chain to ({@value #CERT_USER}'s login)
     */
    public record Tls(String certificatePem, String keyPem, String clientCaPem) {
    }

    private final PostgresInstallation installation;
    private final Path workDir;
    private final Path baseDir;
    private final int port;
    private final Tls tls;
    private Process process;

    private PostgresServer(PostgresInstallation installation, Path workDir, Path baseDir, int port, Tls tls) {
        this.installation = installation;
        this.workDir = workDir;
        this.baseDir = baseDir;
        this.port = port;
        this.tls = tls;
    }

    /**
     * Creates a cluster, starts it, waits until it accepts a SCRAM login and creates the test roles and
     * database.
     *
     * @param workDir where the logs go (created if missing); the caller owns it
     * @throws IllegalStateException if PostgreSQL is not installed or does not start; the message quotes
     *         the end of its log
     */
    public static PostgresServer start(Path workDir) {
        return start(workDir, null);
    }

    /**
     * As {@link #start}, but TLS only: see the class comment. The caller closes it.
     */
    public static PostgresServer startWithTls(Path workDir, Tls tls) {
        return start(workDir, java.util.Objects.requireNonNull(tls, "tls"));
    }

    private static PostgresServer start(Path workDir, Tls tls) {
        PostgresInstallation installation = PostgresInstallation.detect();
        Path logs;
        Path baseDir;
        try {
            logs = Files.createDirectories(workDir.toAbsolutePath());
            baseDir = Files.createTempDirectory(TEMP_PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create PostgreSQL directories", e);
        }
        PostgresServer server = new PostgresServer(installation, logs, baseDir, FreePorts.next(), tls);
        try {
            server.initCluster();
            server.launch();
            server.createRolesAndDatabase();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The binaries this server runs (for {@link PostgresStandby}). */
    PostgresInstallation installation() {
        return installation;
    }

    Path dataDir() {
        return baseDir.resolve("data");
    }

    private void initCluster() {
        Path passwordFile = baseDir.resolve("superuser-password");
        try {
            Files.createDirectories(socketDir());
            Files.writeString(passwordFile, SUPERUSER_PASSWORD + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        installation.giveToServerUser(baseDir);
        List<String> command = installation.command("initdb", "-D", dataDir().toString(), "-U", SUPERUSER,
                "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                "--locale=C", "--no-sync", "--no-instructions");
        Path log = workDir.resolve(INITDB_LOG);
        Process initdb = startProcess(command, log);
        if (!awaitExit(initdb, INITDB_TIMEOUT) || initdb.exitValue() != 0) {
            initdb.destroyForcibly();
            throw new IllegalStateException("initdb failed: " + command + "; " + LogTail.of(log));
        }
        try {
            Files.delete(passwordFile);
            Files.writeString(dataDir().resolve("pg_hba.conf"), tls == null ? hostBasedAuthentication()
                    : tlsOnlyHostBasedAuthentication(), StandardCharsets.UTF_8);
            if (tls != null) {
                Files.writeString(dataDir().resolve("server.crt"), tls.certificatePem(), StandardCharsets.US_ASCII);
                Path key = dataDir().resolve("server.key");
                Files.writeString(key, tls.keyPem(), StandardCharsets.US_ASCII);
                // PostgreSQL refuses a key file others can read.
                Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                Files.writeString(dataDir().resolve("client-ca.crt"), tls.clientCaPem(), StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        installation.giveToServerUser(dataDir());
    }

    /** TLS only: every TCP login over TLS, plain TCP rejected from anywhere. First match wins. */
    private static String tlsOnlyHostBasedAuthentication() {
        return String.join("\n",
                "# written by io.portcullis.testing.PostgresServer (TLS only)",
                "local all all trust",
                "hostssl all " + CERT_USER + " " + Loopback.HOST + "/32 cert",
                "hostssl all " + MD5_USER + " " + Loopback.HOST + "/32 md5",
                "hostssl all all " + Loopback.HOST + "/32 scram-sha-256",
                "hostnossl all all 0.0.0.0/0 reject",
                "hostnossl all all ::/0 reject",
                "");
    }

    /** First match wins: the md5 line must precede the catch-all SCRAM line. */
    private static String hostBasedAuthentication() {
        return String.join("\n",
                "# written by io.portcullis.testing.PostgresServer",
                "local all all trust",
                "local replication all trust", // PostgresStandby's pg_basebackup and walreceiver
                "host all " + MD5_USER + " " + Loopback.HOST + "/32 md5",
                "host all all " + Loopback.HOST + "/32 scram-sha-256",
                "");
    }

    private void launch() {
        List<String> command = installation.command("postgres", "-D", dataDir().toString(),
                "-p", Integer.toString(port),
                "-k", socketDir().toString(),
                "-c", "listen_addresses=" + Loopback.HOST,
                "-c", "max_connections=" + MAX_CONNECTIONS,
                "-c", "password_encryption=scram-sha-256",
                "-c", tls == null ? "ssl=off" : "ssl=on",
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
                "-c", "shared_buffers=32MB");
        if (tls != null) {
            command = new java.util.ArrayList<>(command);
            command.addAll(List.of("-c", "ssl_cert_file=server.crt", "-c", "ssl_key_file=server.key",
                    "-c", "ssl_ca_file=client-ca.crt"));
        }
        process = startProcess(command, workDir.resolve(SERVER_LOG));
        PgLogin.awaitLogin("PostgreSQL " + installation.majorVersion(), process, workDir.resolve(SERVER_LOG),
                port, MAINTENANCE_DATABASE, SUPERUSER, SUPERUSER_PASSWORD, sslMode(), STARTUP_TIMEOUT);
    }

    private void createRolesAndDatabase() {
        try {
            try (Connection c = connectAsSuperuser(MAINTENANCE_DATABASE); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + SCRAM_USER + " LOGIN PASSWORD '" + SCRAM_PASSWORD + "'");
                // Session setting, so the server stores an md5 hash for this one role.
                s.execute("SET password_encryption = 'md5'");
                s.execute("CREATE ROLE " + MD5_USER + " LOGIN PASSWORD '" + MD5_PASSWORD + "'");
                s.execute("RESET password_encryption");
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + SCRAM_USER);
                s.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + DATABASE + " TO " + MD5_USER);
                if (tls != null) {
                    s.execute("CREATE ROLE " + CERT_USER + " LOGIN");
                    s.execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + CERT_USER);
                }
            }
            try (Connection c = connectAsSuperuser(DATABASE); Statement s = c.createStatement()) {
                s.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + MD5_USER);
                s.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + SCRAM_USER
                        + " IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + MD5_USER);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test roles on " + this + ": " + e.getMessage(), e);
        }
    }

    private Process startProcess(List<String> command, Path log) {
        return startProcess(command, baseDir, log);
    }

    /** Runs {@code command} in {@code workingDir} (which the server's OS user must be able to enter), output to {@code log}. */
    static Process startProcess(List<String> command, Path workingDir, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                // The server's OS user must be able to enter its working directory.
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // PG* variables change client tools' defaults; keep the setup independent of the caller's shell.
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("LC_ALL", "C");
        try {
            Process started = builder.start();
            started.getOutputStream().close();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
    }

    public String host() {
        return Loopback.HOST;
    }

    public int port() {
        return port;
    }

    public String database() {
        return DATABASE;
    }

    public String scramUser() {
        return SCRAM_USER;
    }

    public String scramPassword() {
        return SCRAM_PASSWORD;
    }

    public String md5User() {
        return MD5_USER;
    }

    public String md5Password() {
        return MD5_PASSWORD;
    }

    public String superuser() {
        return SUPERUSER;
    }

    public String superuserPassword() {
        return SUPERUSER_PASSWORD;
    }

    /** The Unix socket directory (trust authentication), e.g. for {@code psql -h}. */
    public Path socketDir() {
        return baseDir.resolve("sock");
    }

    /** The major version of the binaries in use, e.g. "15". */
    public String majorVersion() {
        return installation.majorVersion();
    }

    /** A pgJDBC URL straight to {@code database} on this server: TLS off, or required on a TLS-only server. */
    public String jdbcUrl(String database) {
        return PgLogin.url(port, database, sslMode());
    }

    /** A direct connection over TCP (TLS on a TLS-only server, certificate not checked). The caller closes it. */
    public Connection connect(String database, String user, String password) throws SQLException {
        return PgLogin.connect(port, database, user, password, sslMode());
    }

    /** The pgJDBC sslmode this server accepts. */
    private String sslMode() {
        return tls == null ? "disable" : "require";
    }

    /** A direct superuser connection over TCP, for setup and assertions. The caller closes it. */
    public Connection connectAsSuperuser(String database) throws SQLException {
        return connect(database, SUPERUSER, SUPERUSER_PASSWORD);
    }

    public Path logFile() {
        return workDir.resolve(SERVER_LOG);
    }

    /** Stops the server at once ({@code pg_ctl stop -m immediate}) and deletes its data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            Process pgCtl = startProcess(installation.command("pg_ctl", "stop", "-D", dataDir().toString(),
                    "-m", "immediate", "-w", "-t", Long.toString(STOP_TIMEOUT.toSeconds())), logFile());
            awaitExit(pgCtl, STOP_TIMEOUT);
            if (!awaitExit(process, STOP_TIMEOUT)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                awaitExit(process, STOP_TIMEOUT);
            }
        }
        deleteTree(baseDir);
    }

    static boolean awaitExit(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path each : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL " + installation.majorVersion() + " at " + Loopback.HOST + ":" + port + " (data "
                + dataDir() + ")";
    }
}
