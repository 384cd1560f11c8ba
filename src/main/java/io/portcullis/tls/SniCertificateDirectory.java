package io.portcullis.tls;

import io.portcullis.config.NamedCertificate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Named certificates an operator manages as files ({@code portcullis.tls.sni-cert-dir}): each subdirectory
 * {@code <name>/} holding {@code tls.crt} (the chain) and {@code tls.key} is the certificate {@code <name>}, the
 * layout of a Kubernetes TLS Secret mounted there (cert-manager writes those). Subdirectories are taken in name
 * order; entries whose name starts with {@code .} (Kubernetes' {@code ..data} links) are not certificates.
 *
 * <p>As {@link CertificateFileSource}: changes are found by hashing content on every poll, and a change into something
 * unusable is refused as a whole (the previous certificates stay) and reported once. Blocking; one poller.
 */
public final class SniCertificateDirectory {

    /** What a directory may hold: every certificate is a TLS context the listener keeps. */
    public static final int MAX_CERTIFICATES = 100;
    static final String CERTIFICATE_FILE = "tls.crt";
    static final String KEY_FILE = "tls.key";

    private final Path directory;
    private final Clock clock;
    private byte[] lastDigest;

    public SniCertificateDirectory(Path directory, Clock clock) {
        this.directory = Objects.requireNonNull(directory);
        this.clock = Objects.requireNonNull(clock);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Reads every certificate now and remembers the content.
     *
     * @throws CertificateMaterialException naming the subdirectory and what is wrong with it
     */
    public List<SniCertificate> load() {
        byte[] digest = digest();
        List<SniCertificate> certificates = parse();
        lastDigest = digest;
        return certificates;
    }

    /** The certificates when anything changed since the last load or poll, else empty. */
    public Optional<List<SniCertificate>> poll() {
        byte[] digest = digest();
        if (Arrays.equals(digest, lastDigest)) {
            return Optional.empty();
        }
        lastDigest = digest;
        return Optional.of(parse());
    }

    private List<SniCertificate> parse() {
        List<Path> entries = entries();
        if (entries.size() > MAX_CERTIFICATES) {
            throw new CertificateMaterialException(directory + " holds " + entries.size() + " certificate directories; at most "
                    + MAX_CERTIFICATES + " are served");
        }
        List<SniCertificate> certificates = new ArrayList<>();
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (!NamedCertificate.NAME.matcher(name).matches()) {
                throw new CertificateMaterialException(entry + ": a certificate directory's name is lower-case letters, "
                        + "digits and '-', at most 63 (it names the certificate)");
            }
            TlsMaterial material = ServerCertificateFiles.readExternal(entry.resolve(CERTIFICATE_FILE), entry.resolve(KEY_FILE), clock);
            try {
                certificates.add(SniCertificate.of(name, material));
            } catch (CertificateMaterialException e) {
                throw new CertificateMaterialException(entry + ": " + e.getMessage(), e);
            }
        }
        return certificates;
    }

    /** The certificate subdirectories, in name order. */
    private List<Path> entries() {
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isDirectory(p)).sorted().toList();
        } catch (IOException e) {
            throw new CertificateMaterialException("portcullis.tls.sni-cert-dir " + directory + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** One SHA-256 over the names and files; what cannot be read hashes as a marker, so it counts as a change. */
    private byte[] digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> entries;
            try {
                entries = entries();
            } catch (CertificateMaterialException e) {
                sha.update((byte) 9);
                return sha.digest();
            }
            for (Path entry : entries.subList(0, Math.min(entries.size(), MAX_CERTIFICATES + 1))) {
                sha.update(entry.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                for (String file : new String[] {CERTIFICATE_FILE, KEY_FILE}) {
                    Path path = entry.resolve(file);
                    try {
                        if (Files.size(path) > PemReader.MAX_PEM_CHARS) {
                            sha.update((byte) 2);
                            continue;
                        }
                        sha.update((byte) 1);
                        sha.update(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
                    } catch (IOException e) {
                        sha.update((byte) 3);
                    }
                }
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
