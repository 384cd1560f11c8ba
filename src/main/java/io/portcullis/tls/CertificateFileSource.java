package io.portcullis.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The certificate, key and client CA files an operator manages ({@code portcullis.tls.cert-file},
 * {@code key-file}, {@code client-ca-file}), e.g. a Kubernetes secret written by cert-manager or
 * certbot's live directory.
 *
 * <p>Changes are detected by content, not by time stamps or file events: each poll hashes the
 * files' bytes. That survives every way these files are replaced — Kubernetes swaps a
 * {@code ..data} symlink, certbot swaps symlinks, editors write in place — and needs no inotify.
 * The files are small (at most {@link PemReader#MAX_PEM_CHARS}), so reading them every few seconds
 * costs nothing. Blocking: call {@link #poll} on a worker thread. Not thread-safe: one poller.
 */
public final class CertificateFileSource {

    /**
     * What the files hold now.
     *
     * @param material the server certificate and key, or {@code null} when no cert-file is configured
     * @param clientCa the client CA, or {@code null} when no client-ca-file is configured
     */
    public record Contents(TlsMaterial material, ClientCa clientCa) {
    }

    private final Path certificateFile;
    private final Path keyFile;
    private final Path clientCaFile;
    private final Clock clock;
    private byte[] lastDigest;

    /**
     * @throws CertificateMaterialException when only one of certificate and key file is given
     */
    public CertificateFileSource(Path certificateFile, Path keyFile, Path clientCaFile, Clock clock) {
        if ((certificateFile == null) != (keyFile == null)) {
            throw new CertificateMaterialException("portcullis.tls.cert-file and portcullis.tls.key-file must be set together");
        }
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.clientCaFile = clientCaFile;
        this.clock = Objects.requireNonNull(clock);
    }

    /** Whether the server certificate comes from files. */
    public boolean providesCertificate() {
        return certificateFile != null;
    }

    /** Whether any file is configured at all. */
    public boolean configured() {
        return certificateFile != null || clientCaFile != null;
    }

    /** Reads and validates all files now, whether or not they changed, and remembers their content. */
    public Contents load() {
        byte[] digest = digest();
        Contents contents = parse();
        lastDigest = digest;
        return contents;
    }

    /**
     * The new contents if the files changed since the last {@link #load} or poll, else empty.
     *
     * @throws CertificateMaterialException when they changed into something unusable; the same
     *     unusable content is reported once, not on every poll
     */
    public Optional<Contents> poll() {
        byte[] digest = digest();
        if (Arrays.equals(digest, lastDigest)) {
            return Optional.empty();
        }
        lastDigest = digest;
        return Optional.of(parse());
    }

    private Contents parse() {
        TlsMaterial material = certificateFile == null ? null
                : ServerCertificateFiles.readExternal(certificateFile, keyFile, clock);
        ClientCa clientCa = null;
        if (clientCaFile != null) {
            try {
                clientCa = ClientCa.parse(ServerCertificateFiles.readPem(clientCaFile));
            } catch (CertificateMaterialException e) {
                throw new CertificateMaterialException(clientCaFile + ": " + e.getMessage(), e);
            }
        }
        return new Contents(material, clientCa);
    }

    /** One SHA-256 over all files; a missing or unreadable file hashes as a marker, so it counts as a change. */
    private byte[] digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : new Path[] {certificateFile, keyFile, clientCaFile}) {
                if (file == null) {
                    sha.update((byte) 0);
                    continue;
                }
                try {
                    if (Files.size(file) > PemReader.MAX_PEM_CHARS) {
                        sha.update((byte) 2);
                        continue;
                    }
                    byte[] bytes = Files.readAllBytes(file);
                    sha.update((byte) 1);
                    sha.update(MessageDigest.getInstance("SHA-256").digest(bytes));
                } catch (IOException e) {
                    sha.update((byte) 3);
                }
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
