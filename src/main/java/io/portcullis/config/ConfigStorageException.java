package io.portcullis.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A configuration change was valid but could not be made durable (disk full, quota exceeded, I/O
 * error, read-only file system). Nothing changed: the file on disk and the snapshot in memory are
 * still the previous version, no change event was published, and the same write can simply be
 * retried once the cause is fixed. The message says which directory, why, and which version stays.
 */
public final class ConfigStorageException extends UncheckedIOException {

    /** Text the JDK reports for ENOSPC and EDQUOT (it exposes no errno; the text is strerror's). */
    private static final String[] OUT_OF_SPACE = {"no space left on device", "disk quota exceeded"};

    private final boolean outOfSpace;
    private final long keptVersion;

    /**
     * @param directory   where the store writes
     * @param keptVersion the version that stays in effect
     * @param cause       the write's failure (its message is the OS's reason, e.g. "No space left on device")
     */
    public ConfigStorageException(Path directory, long keptVersion, IOException cause) {
        super(describe(directory, keptVersion, cause), cause);
        this.outOfSpace = isOutOfSpace(cause);
        this.keptVersion = keptVersion;
    }

    /** True when the file system ran out of space or quota (ENOSPC, EDQUOT). */
    public boolean outOfSpace() {
        return outOfSpace;
    }

    /** The configuration version that stays in effect. */
    public long keptVersion() {
        return keptVersion;
    }

    private static String describe(Path directory, long keptVersion, IOException cause) {
        String why = isOutOfSpace(cause)
                ? "no space left on the file system (free space or raise the quota, then retry)"
                : "the write failed (" + reason(cause) + "); fix the storage, then retry";
        return "the configuration change could not be stored in " + directory + ": " + why
                + "; nothing was changed, version " + keptVersion + " stays in effect";
    }

    static boolean isOutOfSpace(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = (t instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : "")
                    + " " + (t.getMessage() == null ? "" : t.getMessage());
            String lower = text.toLowerCase(Locale.ROOT);
            for (String marker : OUT_OF_SPACE) {
                if (lower.contains(marker)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String reason(IOException cause) {
        if (cause instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
