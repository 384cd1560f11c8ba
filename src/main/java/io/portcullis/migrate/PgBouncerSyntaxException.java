package io.portcullis.migrate;

/**
 * A file PgBouncer itself would refuse to load: the import stops and nothing is stored. The
 * message names the file and line and never quotes a value (it could be a password).
 */
public final class PgBouncerSyntaxException extends RuntimeException {

    private final String file;
    private final int line;

    public PgBouncerSyntaxException(String file, int line, String problem) {
        super(file + " line " + line + ": " + problem, null, false, false);
        this.file = file;
        this.line = line;
    }

    /** The file at fault. */
    public String file() {
        return file;
    }

    /** The 1-based line at fault. */
    public int line() {
        return line;
    }
}
