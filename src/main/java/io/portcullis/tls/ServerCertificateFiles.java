package io.portcullis.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.util.IPAddress;

/**
 * The server certificate in the data directory: {@code <data-dir>/tls/server.crt}, PEM, and before it
 * moves into the configuration store its key {@code server.key} (owner-only).
 *
 * <p>The configuration store holds the certificate a gateway serves (its key sealed), so that replicas sharing a
 * store serve the same one. The data directory is where one starts from: on the first start with a store that
 * holds none, the pair found here (written by earlier versions) or a self-signed one generated here moves into the
 * store, and the key file is deleted ({@link #retireKey}). {@code server.crt} stays as a public copy of the
 * certificate this gateway serves ({@link #storePublicCopy}), for clients' {@code sslrootcert}. A certificate file
 * without a key is therefore such a copy: with a store that has no certificate, a new one is generated.
 *
 * <p>Files that hold a key are never overwritten silently; if they are unusable, startup stops with a message
 * naming the file. The one exception is an expired self-signed certificate, which nobody can use: it is renewed and
 * the old pair kept beside it with an {@code .expired-<date>} suffix.
 *
 * <p>Everything here blocks (file I/O, key generation): call it from a worker thread.
 */
public final class ServerCertificateFiles {

    static final String DIRECTORY = "tls";
    static final String CERTIFICATE_FILE = "server.crt";
    static final String KEY_FILE = "server.key";
    /** The key of the last CSR, waiting for its signed certificate (earlier versions; now in the store). */
    static final String PENDING_KEY_FILE = "pending.key";

    /** The longest validity browsers and Apple clients accept for a TLS server certificate. */
    static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(397);

    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final DateTimeFormatter ARCHIVE_SUFFIX =
            DateTimeFormatter.ofPattern("'.expired-'yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * What {@link #loadOrCreate} found or made.
     *
     * @param material the certificate and key to serve
     * @param generated whether a self-signed certificate was generated on this call
     * @param detail one sentence for the startup log, without the fingerprint
     */
    public record Loaded(TlsMaterial material, boolean generated, String detail) {
    }

    private ServerCertificateFiles() {
    }

    /** {@code <dataDir>/tls/server.crt}. */
    public static Path certificateFile(Path dataDir) {
        return dataDir.resolve(DIRECTORY).resolve(CERTIFICATE_FILE);
    }

    /** {@code <dataDir>/tls/server.key}. */
    public static Path keyFile(Path dataDir) {
        return dataDir.resolve(DIRECTORY).resolve(KEY_FILE);
    }

    /**
     * Loads the stored certificate and key, or generates and stores a self-signed pair for
     * {@code hostname} (SANs: the host name, {@code localhost}, {@code 127.0.0.1}, {@code ::1}).
     *
     * @throws CertificateMaterialException if only one of the files exists or a file is unusable;
     *     the message names the file
     * @throws UncheckedIOException if the files cannot be read or written
     */
    public static Loaded loadOrCreate(Path dataDir, String hostname, SecureRandom random, Clock clock) {
        Path certificate = certificateFile(dataDir);
        Path key = keyFile(dataDir);
        boolean hasCertificate = Files.exists(certificate);
        boolean hasKey = Files.exists(key);
        if (!hasKey) {
            TlsMaterial material = generate(hostname, random, clock);
            store(dataDir, material);
            return new Loaded(material, true, "generated a self-signed certificate for " + hostname
                    + " in " + certificate.getParent());
        }
        if (!hasCertificate) {
            throw new CertificateMaterialException("found " + key + " but not " + certificate
                    + "; restore the missing file, or remove " + key + " to generate a new self-signed certificate");
        }
        TlsMaterial material = read(certificate, key);
        Instant now = clock.instant();
        if (material.leaf().getNotAfter().toInstant().isBefore(now) && material.info().selfSigned()) {
            String suffix = ARCHIVE_SUFFIX.format(now);
            move(certificate, certificate.resolveSibling(CERTIFICATE_FILE + suffix));
            move(key, key.resolveSibling(KEY_FILE + suffix));
            TlsMaterial renewed = generate(hostname, random, clock);
            store(dataDir, renewed);
            return new Loaded(renewed, true, "the self-signed certificate in " + certificate.getParent()
                    + " expired on " + material.info().notAfter() + "; generated a new one for " + hostname
                    + " (the old files now end in " + suffix + ")");
        }
        try {
            material.requireValidAt(now);
        } catch (CertificateMaterialException e) {
            throw new CertificateMaterialException(certificate + ": " + e.getMessage(), e);
        }
        return new Loaded(material, false, "loaded the server certificate from " + certificate);
    }

    /**
     * Writes a certificate and key, replacing any stored pair. Each file is written to a temporary
     * file, synced and renamed over the old one; the key file is created owner-read/write only
     * (where the file system has POSIX permissions), never widened and narrowed afterwards.
     */
    public static void store(Path dataDir, TlsMaterial material) {
        Path directory = dataDir.resolve(DIRECTORY);
        Path keyTemporary = null;
        Path certificateTemporary = null;
        try {
            createDirectory(directory);
            // Both files are complete on disk before either is renamed, so the pair is
            // inconsistent for at most the instant between two renames.
            keyTemporary = writeTemporary(directory, KEY_FILE, material.privateKeyPem(), OWNER_READ_WRITE);
            certificateTemporary = writeTemporary(directory, CERTIFICATE_FILE, material.certificateChainPem(), WORLD_READABLE);
            move(keyTemporary, keyFile(dataDir));
            move(certificateTemporary, certificateFile(dataDir));
            syncDirectory(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the server certificate to " + directory + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(keyTemporary);
            deleteQuietly(certificateTemporary);
        }
    }

    /**
     * Deletes {@code server.key} once the configuration store holds the key sealed: a key kept in both places
     * would stay readable in plain text after every replacement through the API.
     */
    public static void retireKey(Path dataDir) {
        try {
            Files.deleteIfExists(keyFile(dataDir));
            syncDirectory(dataDir.resolve(DIRECTORY));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + keyFile(dataDir) + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code server.crt}, readable by all: the public copy of the chain this gateway serves. */
    public static void storePublicCopy(Path dataDir, String chainPem) {
        Path directory = dataDir.resolve(DIRECTORY);
        Path temporary = null;
        try {
            createDirectory(directory);
            temporary = writeTemporary(directory, CERTIFICATE_FILE, chainPem, WORLD_READABLE);
            move(temporary, certificateFile(dataDir));
            syncDirectory(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + certificateFile(dataDir) + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** The key of a pending CSR made by an earlier version (now kept in the store), if there is one. */
    public static java.util.Optional<String> pendingKey(Path dataDir) {
        Path file = dataDir.resolve(DIRECTORY).resolve(PENDING_KEY_FILE);
        return Files.exists(file) ? java.util.Optional.of(readText(file)) : java.util.Optional.empty();
    }

    /** Forgets the pending CSR's key, once its certificate is installed. */
    public static void deletePendingKey(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(DIRECTORY).resolve(PENDING_KEY_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the pending key: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a certificate chain and key from files the operator manages
     * ({@code portcullis.tls.cert-file}, {@code key-file}) and validates them like an upload.
     *
     * @throws CertificateMaterialException naming the files and what is wrong
     */
    public static TlsMaterial readExternal(Path certificate, Path key, Clock clock) {
        String chainPem = readText(certificate);
        String keyPem = readText(key);
        try {
            return TlsMaterial.parse(chainPem, keyPem, null, clock);
        } catch (CertificateMaterialException e) {
            throw new CertificateMaterialException(certificate + " / " + key + ": " + e.getMessage(), e);
        }
    }

    /** Reads a small PEM file (at most {@link PemReader#MAX_PEM_CHARS}). */
    public static String readPem(Path file) {
        return readText(file);
    }

    private static TlsMaterial generate(String hostname, SecureRandom random, Clock clock) {
        Set<String> dnsNames = new LinkedHashSet<>();
        Set<String> ipAddresses = new LinkedHashSet<>();
        (IPAddress.isValid(hostname) ? ipAddresses : dnsNames).add(hostname);
        dnsNames.add("localhost");
        ipAddresses.add("127.0.0.1");
        ipAddresses.add("::1");
        String commonName = hostname.length() <= SelfSignedCertificates.MAX_COMMON_NAME_LENGTH ? hostname : "localhost";
        PemMaterial pem = SelfSignedCertificates.generate(commonName, List.copyOf(dnsNames), List.copyOf(ipAddresses),
                SELF_SIGNED_VALIDITY, random, clock);
        return TlsMaterial.parse(pem.certificateChainPem(), pem.privateKeyPem(), null, clock);
    }

    private static TlsMaterial read(Path certificate, Path key) {
        String chainPem = readText(certificate);
        String keyPem = readText(key);
        try {
            return TlsMaterial.parseIgnoringValidity(chainPem, keyPem, null);
        } catch (CertificateMaterialException e) {
            throw new CertificateMaterialException(certificate + " / " + key + ": " + e.getMessage()
                    + " (fix or replace the files; they are not overwritten automatically)", e);
        }
    }

    private static String readText(Path file) {
        try {
            if (Files.size(file) > PemReader.MAX_PEM_CHARS) {
                throw new CertificateMaterialException(file + " is larger than " + PemReader.MAX_PEM_CHARS
                        + " bytes; it is not a certificate or key file");
            }
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Files.createDirectories(directory.getParent());
        try {
            if (supportsPosix(directory.getParent())) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } else {
                Files.createDirectory(directory);
            }
        } catch (FileAlreadyExistsException raced) {
            // Another process created it between the check and here; use it.
        }
    }

    /** Writes a synced temporary file beside its target, created with its final permissions. */
    private static Path writeTemporary(Path directory, String name, String text, Set<PosixFilePermission> permissions)
            throws IOException {
        FileAttribute<?>[] attributes = supportsPosix(directory)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(directory, "." + name, ".tmp", attributes);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
        return temporary;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A leftover hidden .tmp file is harmless; the error that matters is already thrown.
            }
        }
    }

    private static void move(Path from, Path to) {
        try {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /** Makes the renames durable; not every platform can open a directory, which is fine there. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort: Windows cannot open directories; the files themselves are synced.
        }
    }

    private static boolean supportsPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
