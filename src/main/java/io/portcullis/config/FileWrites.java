package io.portcullis.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The two steps of {@link DurableFiles#writeAtomically} whose failure a store must survive: writing
 * the temporary file's content, and forcing the directory after the rename. Production always uses
 * {@link #DISK}; the seam exists so that tests can make them fail the way a broken or full disk does
 * (Linux {@code /dev/full} answers every write with ENOSPC), which cannot be arranged on a real file
 * system without root.
 */
@FunctionalInterface
interface FileWrites {

    /** Writes go to the temporary file itself; directories are forced with fsync. */
    FileWrites DISK = tmp -> FileChannel.open(tmp, StandardOpenOption.WRITE);

    /** A channel open for writing that stands for {@code tmp} (already created, empty). */
    FileChannel openTemporary(Path tmp) throws IOException;

    /** Makes the rename just done in {@code dir} durable. */
    default void syncDirectory(Path dir) throws IOException {
        DurableFiles.fsyncDirectory(dir);
    }
}
