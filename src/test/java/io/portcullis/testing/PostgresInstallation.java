package io.portcullis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The machine's PostgreSQL server binaries, and how to run them as a user PostgreSQL accepts.
 *
 * <p>PostgreSQL refuses to run as root, and tests here and in CI run as root. When the JVM is root, every
 * command runs as the {@value #OS_USER} OS user through {@code runuser -u postgres --}, and the files it
 * needs are given to that user ({@link #giveToServerUser}). When the JVM is not root, commands run directly
 * as the current user.
 *
 * <p>The binaries are Debian's: the newest {@code /usr/lib/postgresql/<major>/bin} holding {@code postgres}
 * and {@code initdb}, or the directory named by the system property {@value #BIN_DIR_PROPERTY}.
 */
final class PostgresInstallation {

    /** System property naming a directory with {@code initdb}, {@code postgres} and {@code pg_ctl}. */
    static final String BIN_DIR_PROPERTY = "portcullis.test.postgres-bin";

    /** Where Debian's postgresql-NN packages put one directory per major version. */
    static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    /** The OS user Debian's package creates; it owns the data directory when the JVM is root. */
    static final String OS_USER = "postgres";

    static final String RUNUSER = "runuser";

    private final Path binDir;
    private final boolean root;

    private PostgresInstallation(Path binDir, boolean root) {
        this.binDir = binDir;
        this.root = root;
    }

    /**
     * Finds the binaries and checks the OS user exists when it will be needed.
     *
     * @throws IllegalStateException with an install hint when something is missing
     */
    static PostgresInstallation detect() {
        Path binDir = Optional.ofNullable(System.getProperty(BIN_DIR_PROPERTY)).map(Path::of)
                .or(PostgresInstallation::newestDebianBinDir)
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries under " + DEBIAN_ROOT
                        + "; install them with `apt-get install postgresql` (.ci/run does) or set -D"
                        + BIN_DIR_PROPERTY));
        if (!Files.isExecutable(binDir.resolve("postgres")) || !Files.isExecutable(binDir.resolve("initdb"))) {
            throw new IllegalStateException(binDir + " has no executable postgres and initdb");
        }
        boolean root = runningAsRoot();
        if (root) {
            serverUser();
        }
        return new PostgresInstallation(binDir, root);
    }

    private static Optional<Path> newestDebianBinDir() {
        if (!Files.isDirectory(DEBIAN_ROOT)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
            return versions.filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .map(dir -> dir.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("postgres")))
                    .max(Comparator.comparingDouble(bin -> Double.parseDouble(bin.getParent().getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DEBIAN_ROOT, e);
        }
    }

    /** The effective uid of this JVM is that of its {@code /proc/self} entry; elsewhere we trust user.name. */
    private static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static UserPrincipal serverUser() {
        try {
            return lookup().lookupPrincipalByName(OS_USER);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("running as root, PostgreSQL must run as the OS user '" + OS_USER
                    + "', which does not exist; `apt-get install postgresql` creates it", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UserPrincipalLookupService lookup() {
        return FileSystems.getDefault().getUserPrincipalLookupService();
    }

    Path binDir() {
        return binDir;
    }

    /** The major version, read from the directory name when it is Debian's layout, else "unknown". */
    String majorVersion() {
        Path parent = binDir.getParent();
        return parent == null ? "unknown" : parent.getFileName().toString();
    }

    /** A command line running {@code program} from the bin directory as a user PostgreSQL accepts. */
    List<String> command(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of(RUNUSER, "-u", OS_USER, "--"));
        }
        command.add(binDir.resolve(program).toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Makes {@code path} (recursively) owned by the server's OS user; nothing to do when not root. */
    void giveToServerUser(Path path) {
        if (!root) {
            return;
        }
        UserPrincipal user = serverUser();
        Optional<GroupPrincipal> group = serverGroup();
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path each : (Iterable<Path>) tree::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(each, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                view.setOwner(user);
                if (group.isPresent()) {
                    view.setGroup(group.get());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + path + " to OS user " + OS_USER, e);
        }
    }

    private static Optional<GroupPrincipal> serverGroup() {
        try {
            return Optional.of(lookup().lookupPrincipalByGroupName(OS_USER));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
