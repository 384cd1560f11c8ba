package io.portcullis.config;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Finds the key that seals backend passwords: {@code portcullis.secret-key} (env
 * {@code PORTCULLIS_SECRET_KEY}) when set, else {@code <data-dir>/secret.key}, generated on first
 * start. The file holds the key in base64 (one line) so an operator can move it into the
 * environment unchanged. Neither the key nor any part of it is ever logged.
 */
public final class SecretKeys {

    public static final String KEY_FILE = "secret.key";
    private static final Logger LOG = Logger.getLogger(SecretKeys.class);

    private SecretKeys() {
    }

    /**
     * @param configured base64 of {@value SecretBox#KEY_BYTES} bytes, or empty to use the key file
     * @return the key; the caller should wipe it once a {@link SecretBox} holds it
     * @throws ConfigException when the configured or stored key is not 32 bytes of base64, or the
     *                         key file cannot be read or created
     */
    public static byte[] resolve(Optional<String> configured, Path dataDir, SecureRandom random) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return decode(configured.get(), SettingNames.SECRET_KEY);
        }
        Path file = dataDir.resolve(KEY_FILE);
        try {
            return loadOrCreate(file, random);
        } catch (IOException e) {
            throw new ConfigException("cannot read or create the secret key file " + file.toAbsolutePath()
                    + ": " + e.getMessage(), e);
        }
    }

    static byte[] decode(String base64, String source) {
        String compact = base64.strip();
        byte[] key;
        try {
            key = compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(compact)
                    : Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + " must be the base64 encoding of " + SecretBox.KEY_BYTES
                    + " random bytes (e.g. the output of 'openssl rand -base64 32'); it is not valid base64");
        }
        if (key.length != SecretBox.KEY_BYTES) {
            int length = key.length;
            Arrays.fill(key, (byte) 0);
            throw new ConfigException(source + " must decode to exactly " + SecretBox.KEY_BYTES
                    + " bytes (AES-256, e.g. 'openssl rand -base64 32'), not " + length);
        }
        return key;
    }

    private static byte[] loadOrCreate(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            return load(file);
        }
        DurableFiles.createDirectories(file.toAbsolutePath().getParent());
        byte[] key = new byte[SecretBox.KEY_BYTES];
        random.nextBytes(key);
        byte[] text = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        Path tmp = DurableFiles.writeTemporary(file, text);
        Arrays.fill(text, (byte) 0);
        try {
            publish(tmp, file);
        } catch (FileAlreadyExistsException raced) {
            // Another process created the key between our check and our link: theirs wins, so
            // both processes seal under the same key.
            Arrays.fill(key, (byte) 0);
            return load(file);
        } finally {
            Files.deleteIfExists(tmp);
        }
        DurableFiles.fsyncDirectory(file.toAbsolutePath().getParent());
        LOG.infof("Generated a new secret key in %s (owner-only); back it up: sealed backend passwords "
                + "cannot be opened without it", file.toAbsolutePath());
        return key;
    }

    /** Makes {@code tmp} visible as {@code file} atomically, without ever replacing an existing key. */
    private static void publish(Path tmp, Path file) throws IOException {
        try {
            Files.createLink(file, tmp);
        } catch (UnsupportedOperationException noHardLinks) {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static byte[] load(Path file) throws IOException {
        if (DurableFiles.readableByOthers(file)) {
            LOG.warnf("The secret key file %s is accessible to other users; restrict it with chmod 600",
                    file.toAbsolutePath());
        }
        byte[] text = Files.readAllBytes(file);
        try {
            return decode(new String(text, StandardCharsets.US_ASCII), "the key file " + file.toAbsolutePath());
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }
}
