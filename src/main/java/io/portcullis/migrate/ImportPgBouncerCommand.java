package io.portcullis.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.portcullis.config.ConfigException;
import io.portcullis.log.LogText;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * {@code import-pgbouncer --ini FILE [--userlist FILE] [--dry-run]}: imports into the data
 * directory's store and prints the report (the same JSON the REST API answers) on stdout. Without
 * {@code --userlist} the users come from the file the ini's {@code auth_file} names, found as
 * {@code %include} files are; a file that cannot be read is reported and no users are imported.
 * Exit status: {@value #OK} done, {@value #INVALID} the result would be an invalid configuration,
 * {@value #UNREADABLE} a file PgBouncer would not load either (or whose {@code %include}s expand beyond
 * {@link IniParser#MAX_EXPANDED_LINES} lines or {@link IniParser#MAX_EXPANDED_BYTES} bytes), {@value #USAGE} bad
 * arguments.
 *
 * <p>Run it while the gateway is stopped, or use {@code POST /api/v1/import/pgbouncer} on a running
 * one: a running gateway keeps the configuration it loaded and would overwrite the import on its
 * next change.
 */
public class ImportPgBouncerCommand implements QuarkusApplication {

    public static final String NAME = "import-pgbouncer";
    static final int OK = 0;
    static final int INVALID = 1;
    static final int UNREADABLE = 2;
    static final int USAGE = 64;
    /** Larger files are refused; real ones are a few kilobytes. */
    static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
    static final String USAGE_TEXT = "usage: " + NAME + " --ini pgbouncer.ini [--userlist userlist.txt] [--dry-run]";

    private final PgBouncerImporter importer;
    private final ObjectMapper json;

    @Inject
    public ImportPgBouncerCommand(PgBouncerImporter importer, ObjectMapper json) {
        this.importer = importer;
        this.json = json;
    }

    @Override
    public int run(String... args) {
        return run(args, System.out, System.err);
    }

    int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine line;
        try {
            line = CommandLine.parse(Arrays.copyOfRange(args, args.length > 0 && NAME.equals(args[0]) ? 1 : 0, args.length));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        try {
            String ini = read(line.ini());
            String userlist = line.userlist() == null ? null : read(line.userlist());
            IncludeResolver files = ImportPgBouncerCommand::include;
            ImportReport report = importer.run(new ImportSources(line.ini().toString(), ini,
                    line.userlist() == null ? ImportSources.DEFAULT_USERLIST_NAME : line.userlist().toString(), userlist,
                    files, Set.of(), files), line.dryRun());
            out.println(json.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            return OK;
        } catch (PgBouncerSyntaxException e) {
            // File names come from %include lines: escaped, so that a crafted one cannot write lines or terminal codes.
            err.println("cannot import: " + LogText.escape(e.getMessage()));
            return UNREADABLE;
        } catch (UncheckedIOException e) {
            err.println("cannot import: " + LogText.escape(e.getCause().getMessage()));
            return UNREADABLE;
        } catch (ConfigException e) {
            err.println("cannot import, nothing was stored: " + LogText.escape(e.getMessage()));
            return INVALID;
        } catch (IOException e) {
            err.println("cannot write the report: " + e.getMessage());
            return INVALID;
        }
    }

    /**
     * As PgBouncer: relative to the working directory; failing that (as PgBouncer would when started in
     * the ini's directory), to the including file's directory.
     */
    private static Optional<String> include(String path, String includingFile) {
        Path direct = Path.of(path);
        if (Files.isRegularFile(direct)) {
            return Optional.of(read(direct));
        }
        Path parent = Path.of(includingFile).toAbsolutePath().getParent();
        if (!direct.isAbsolute() && parent != null && Files.isRegularFile(parent.resolve(path))) {
            return Optional.of(read(parent.resolve(path)));
        }
        return Optional.empty();
    }

    private static String read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new UncheckedIOException(new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes"));
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(new IOException(file + " does not exist", e));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read " + file + ": " + e.getMessage(), e));
        }
    }

    /** The command's arguments. */
    record CommandLine(Path ini, Path userlist, boolean dryRun) {

        static CommandLine parse(String[] args) {
            Path ini = null;
            Path userlist = null;
            boolean dryRun = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--ini" -> ini = Path.of(value(args, ++i, "--ini"));
                    case "--userlist" -> userlist = Path.of(value(args, ++i, "--userlist"));
                    case "--dry-run" -> dryRun = true;
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (ini == null) {
                throw new IllegalArgumentException("--ini is required");
            }
            return new CommandLine(ini, userlist, dryRun);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a file");
            }
            return args[i];
        }
    }
}
