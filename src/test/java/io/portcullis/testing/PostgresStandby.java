package io.portcullis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A streaming standby of a running {@link PostgresServer}, for tests of several hosts per database: a copy made
 * with {@code pg_basebackup -R} (over the primary's Unix socket, which its {@code pg_hba.conf} trusts for
 * replication), started on its own free loopback port with hot standby (read-only queries), and ready when it
 * accepts a login, {@code pg_is_in_recovery()} is true and a row written on the primary after the copy is
 * visible on it (so streaming works, not only the copy).
 *
 * <p>Same roles, passwords and databases as the primary (they are copied). The primary keeps its default
 * {@code wal_level=replica} and {@code max_wal_senders}. {@link #close()} stops the standby at once and deletes
 * its data directory; stopping the primary is the caller's (the standby then stays in recovery, read-only).
 */
public final class PostgresStandby implements AutoCloseable {

    static final Duration BACKUP_TIMEOUT = Duration.ofSeconds(120);
    static final Duration STREAM_TIMEOUT = Duration.ofSeconds(60);
    static final String BACKUP_LOG = "pg_basebackup.log";
    static final String SERVER_LOG = "standby.log";

    private final PostgresInstallation installation;
    private final Path workDir;
    private final Path baseDir;
    private final int port;
    private Process process;

    private PostgresStandby(PostgresInstallation installation, Path workDir, Path baseDir, int port) {
        this.installation = installation;
        this.workDir = workDir;
        this.baseDir = baseDir;
        this.port = port;
    }

    /**
     * Copies {@code primary}, starts the copy as its standby and waits until it streams.
     *
     * @param workDir where the logs go (created if missing); the caller owns it
     * @throws IllegalStateException when the copy or the start fails, quoting the end of the log
     */
    public static PostgresStandby of(PostgresServer primary, Path workDir) {
        PostgresInstallation installation = primary.installation();
        Path logs;
        Path baseDir;
        try {
            logs = Files.createDirectories(workDir.toAbsolutePath());
            baseDir = Files.createTempDirectory("portcullis-pg-standby-");
            Files.createDirectories(baseDir.resolve("sock"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create standby directories", e);
        }
        installation.giveToServerUser(baseDir);
        PostgresStandby standby = new PostgresStandby(installation, logs, baseDir, FreePorts.next());
        try {
            standby.copy(primary);
            standby.launch();
            standby.awaitStreaming(primary);
            return standby;
        } catch (RuntimeException e) {
            standby.close();
            throw e;
        }
    }

    private Path dataDir() {
        return baseDir.resolve("data");
    }

    private void copy(PostgresServer primary) {
        List<String> command = installation.command("pg_basebackup", "-D", dataDir().toString(),
                "-h", primary.socketDir().toString(), "-p", Integer.toString(primary.port()), "-U", PostgresServer.SUPERUSER,
                "-R", "-X", "stream", "-c", "fast", "--no-sync");
        Path log = workDir.resolve(BACKUP_LOG);
        Process backup = PostgresServer.startProcess(command, baseDir, log);
        if (!PostgresServer.awaitExit(backup, BACKUP_TIMEOUT) || backup.exitValue() != 0) {
            backup.destroyForcibly();
            throw new IllegalStateException("pg_basebackup failed: " + command + "; " + LogTail.of(log));
        }
    }

    private void launch() {
        List<String> command = installation.command("postgres", "-D", dataDir().toString(),
                "-p", Integer.toString(port),
                "-k", baseDir.resolve("sock").toString(),
                "-c", "listen_addresses=" + Loopback.HOST,
                // A hot standby needs at least the primary's max_connections.
                "-c", "max_connections=" + PostgresServer.MAX_CONNECTIONS,
                "-c", "hot_standby=on",
                "-c", "ssl=off",
                "-c", "fsync=off",
                "-c", "shared_buffers=32MB");
        process = PostgresServer.startProcess(command, baseDir, workDir.resolve(SERVER_LOG));
        PgLogin.awaitLogin("PostgreSQL standby " + installation.majorVersion(), process, workDir.resolve(SERVER_LOG),
                port, PostgresServer.MAINTENANCE_DATABASE, PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD,
                PostgresServer.STARTUP_TIMEOUT);
    }

    /** In recovery, and a row the primary writes now shows up here. */
    private void awaitStreaming(PostgresServer primary) {
        String marker = Long.toString(System.nanoTime());
        try (Connection c = primary.connectAsSuperuser(PostgresServer.MAINTENANCE_DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS standby_probe (marker text)");
            s.execute("INSERT INTO standby_probe VALUES ('" + marker + "')");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the probe row on " + primary + ": " + e.getMessage(), e);
        }
        Instant deadline = Instant.now().plus(STREAM_TIMEOUT);
        String last = "nothing yet";
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = connectAsSuperuser(PostgresServer.MAINTENANCE_DATABASE); Statement s = c.createStatement()) {
                boolean recovering;
                try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                    rs.next();
                    recovering = rs.getBoolean(1);
                }
                if (!recovering) {
                    throw new IllegalStateException("the copy of " + primary + " is not in recovery: it is no standby");
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM standby_probe WHERE marker = '" + marker + "'")) {
                    rs.next();
                    if (rs.getLong(1) == 1) {
                        return;
                    }
                    last = "the probe row is not there yet";
                }
            } catch (SQLException e) {
                last = e.getMessage();
            }
            PgLogin.sleep(PgLogin.POLL_INTERVAL);
        }
        throw new IllegalStateException("the standby of " + primary + " did not receive a row within "
                + STREAM_TIMEOUT.toSeconds() + " s (" + last + "); " + LogTail.of(workDir.resolve(SERVER_LOG)));
    }

    public String host() {
        return Loopback.HOST;
    }

    public int port() {
        return port;
    }

    /** A direct superuser connection over TCP, for assertions. The caller closes it. */
    public Connection connectAsSuperuser(String database) throws SQLException {
        return PgLogin.connect(port, database, PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "disable");
    }

    /** Stops the standby at once ({@code pg_ctl stop -m immediate}) and deletes its data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            Process pgCtl = PostgresServer.startProcess(installation.command("pg_ctl", "stop", "-D", dataDir().toString(),
                    "-m", "immediate", "-w", "-t", Long.toString(PostgresServer.STOP_TIMEOUT.toSeconds())), baseDir,
                    workDir.resolve(SERVER_LOG));
            PostgresServer.awaitExit(pgCtl, PostgresServer.STOP_TIMEOUT);
            if (!PostgresServer.awaitExit(process, PostgresServer.STOP_TIMEOUT)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                PostgresServer.awaitExit(process, PostgresServer.STOP_TIMEOUT);
            }
        }
        PostgresServer.deleteTree(baseDir);
    }

    @Override
    public String toString() {
        return "PostgreSQL standby at " + Loopback.HOST + ":" + port + " (data " + dataDir() + ")";
    }
}
