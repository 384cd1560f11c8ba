package io.portcullis.tls;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The process-wide trust for backend TLS: what {@code verify-ca} and {@code verify-full} databases without a
 * {@code serverCa} of their own trust. Set by {@value #CA_FILE}: a PEM file of CA certificates, or
 * {@value #SYSTEM} for the JDK's trust store (libpq's {@code sslrootcert=system}). Unset, such databases are
 * refused, as libpq refuses {@code verify-*} without a root certificate: trusting every public CA is a choice
 * to make explicitly. Read once at startup; an unreadable or malformed file stops the gateway with a message
 * naming the setting.
 */
@ApplicationScoped
@Startup
public class BackendTlsDefaults {

    public static final String CA_FILE = "portcullis.server-tls.ca-file";
    public static final String SYSTEM = "system";

    private final BackendCa ca;
    private final boolean system;

    @Inject
    public BackendTlsDefaults(@ConfigProperty(name = CA_FILE) Optional<String> caFile) {
        String value = caFile.map(String::strip).orElse("");
        this.system = SYSTEM.equals(value.toLowerCase(Locale.ROOT));
        this.ca = value.isEmpty() || system ? null : load(Path.of(value));
    }

    private BackendTlsDefaults(BackendCa ca, boolean system) {
        this.ca = ca;
        this.system = system;
    }

    /** No default: verify-* databases need their own serverCa. */
    public static BackendTlsDefaults none() {
        return new BackendTlsDefaults(null, false);
    }

    /** The JDK's trust store as the default. */
    public static BackendTlsDefaults system() {
        return new BackendTlsDefaults(null, true);
    }

    /** These CA certificates as the default. */
    public static BackendTlsDefaults of(BackendCa ca) {
        return new BackendTlsDefaults(ca, false);
    }

    /** The default CA certificates, when {@value #CA_FILE} names a file. */
    public Optional<BackendCa> ca() {
        return Optional.ofNullable(ca);
    }

    /** Whether {@value #CA_FILE} is {@value #SYSTEM}: the JDK's trust store. */
    public boolean trustsSystem() {
        return system;
    }

    /** Whether verify-* databases without a serverCa have something to trust. */
    public boolean isSet() {
        return ca != null || system;
    }

    private static BackendCa load(Path file) {
        String pem;
        try {
            if (Files.size(file) > PemReader.MAX_PEM_CHARS) {
                throw new CertificateMaterialException(CA_FILE + " " + file + " is larger than " + PemReader.MAX_PEM_CHARS
                        + " bytes; it should hold CA certificates only");
            }
            pem = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new CertificateMaterialException(CA_FILE + " " + file + " cannot be read: " + e.getMessage(), e);
        }
        return BackendCa.parse(pem, CA_FILE + " " + file);
    }
}
