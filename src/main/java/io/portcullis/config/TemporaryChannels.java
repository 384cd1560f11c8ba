package io.portcullis.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the channel through which {@link DurableFiles} writes a temporary file's content. Production
 * always uses {@link #FILE}; the seam exists so that tests can point the write at a device that
 * fails the way a full disk does (Linux {@code /dev/full} answers every write with ENOSPC), which
 * cannot be arranged on a real file system without root.
 */
@FunctionalInterface
interface TemporaryChannels {

    /** Writes go to the temporary file itself. */
    TemporaryChannels FILE = tmp -> FileChannel.open(tmp, StandardOpenOption.WRITE);

    /** A channel open for writing that stands for {@code tmp} (already created, empty). */
    FileChannel openForWrite(Path tmp) throws IOException;
}
