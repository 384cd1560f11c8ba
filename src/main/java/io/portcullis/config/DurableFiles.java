package io.portcullis.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * File writes that survive a crash or power loss at any instant: the target holds either the old
 * or the new content, never a mix. Everything this package writes holds secrets or their hashes,
 * so files are created owner-only (0600) and directories 0700 where the file system is POSIX.
 */
final class DurableFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private DurableFiles() {
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code dir} and missing parents (new ones owner-only). */
    static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix()) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        } else {
            Files.createDirectories(dir);
        }
    }

    /**
     * Writes {@code content} to a new owner-only temporary file next to {@code target}, forces it to
     * disk and returns it. The caller moves it into place (or deletes it).
     */
    static Path writeTemporary(Path target, byte[] content) throws IOException {
        return writeTemporary(target, content, FileWrites.DISK);
    }

    /** {@link #writeTemporary(Path, byte[])}, writing through {@code writes}. */
    static Path writeTemporary(Path target, byte[] content, FileWrites writes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = target.getFileName() + ".";
        Path tmp = posix()
                ? Files.createTempFile(dir, prefix, ".tmp", ownerOnlyFile())
                : Files.createTempFile(dir, prefix, ".tmp");
        try (FileChannel channel = writes.openTemporary(tmp)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    /**
     * Replaces {@code target} with {@code content}: temporary file, write, fsync, atomic rename,
     * fsync of the directory (so the rename itself is durable).
     */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        writeAtomically(target, content, FileWrites.DISK);
    }

    /** {@link #writeAtomically(Path, byte[])}, writing and syncing through {@code writes}. */
    static void writeAtomically(Path target, byte[] content, FileWrites writes) throws IOException {
        Path tmp = writeTemporary(target, content, writes);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        writes.syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes renames and creations in {@code dir} durable; a no-op where directories cannot be opened. */
    static void fsyncDirectory(Path dir) throws IOException {
        if (!posix()) {
            return; // Windows cannot open a directory as a channel; NTFS journals the rename.
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> ownerOnlyFile() {
        return PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE);
    }

    /** True when group or others may read or write {@code file}; false where permissions are not POSIX. */
    static boolean readableByOthers(Path file) throws IOException {
        if (!posix()) {
            return false;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        return perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)
                || perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE);
    }
}
