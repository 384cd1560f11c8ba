package io.portcullis.migrate;

import io.portcullis.config.ServerTls;
import io.portcullis.tls.BackendCa;
import io.portcullis.tls.CertificateMaterialException;
import io.portcullis.tls.TlsMaterial;

import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Translates PgBouncer's {@code server_tls_*} settings (TLS towards backends) to each imported database's
 * {@code serverTls}, {@code serverCa}, {@code serverCertificate} and {@code serverKey}. The files are read as
 * {@code %include} files are (the command line reads them, the REST API takes their content from
 * {@code includes}); a file that cannot be read or parsed is reported, and the databases get nothing from it.
 * One per import; {@link #accept} returns false for keys it does not own.
 */
final class ServerTlsSettings {

    /** The keys whose value names a file. */
    private static final Set<String> FILE_KEYS = Set.of("server_tls_ca_file", "server_tls_cert_file", "server_tls_key_file");

    private final IncludeResolver files;
    private final ImportFindings findings;
    private ServerTls mode = ServerTls.DISABLE;
    private IniEntry modeEntry;
    private IniEntry caEntry;
    private IniEntry certificateEntry;
    private IniEntry keyEntry;
    private String caPem;
    private TlsMaterial client;

    ServerTlsSettings(IncludeResolver files, ImportFindings findings) {
        this.files = files;
        this.findings = findings;
    }

    /**
     * The paths {@code server_tls_*_file} lines name, whether or not they are read (one the mode does not use
     * is reported on its own line): such a file sent along is not an unused include.
     */
    static Set<String> namedFiles(List<IniEntry> ini) {
        Set<String> named = new HashSet<>();
        for (IniEntry e : ini) {
            if (GlobalSettings.SECTION.equals(e.section()) && FILE_KEYS.contains(e.key())) {
                named.add(e.value().strip());
            }
        }
        return named;
    }

    boolean accept(IniEntry e) {
        switch (e.key()) {
            case "server_tls_sslmode" -> {
                modeEntry = e;
                mode = mode(e);
            }
            case "server_tls_ca_file" -> caEntry = e;
            case "server_tls_cert_file" -> certificateEntry = e;
            case "server_tls_key_file" -> keyEntry = e;
            case "server_tls_protocols", "server_tls_ciphers", "server_tls13_ciphers" -> findings.unmapped(e,
                    "Portcullis offers backends TLS 1.2 and 1.3 with ECDHE and AEAD cipher suites only; there is no setting");
            default -> {
                if (!e.key().startsWith("server_tls")) {
                    return false;
                }
                findings.unmapped(e, "no Portcullis equivalent; backend TLS is set per database (serverTls, serverCa, "
                        + "serverCertificate, serverKey)");
            }
        }
        return true;
    }

    /** Reads the files once every key is known (so that each is reported against the mode in force). */
    ServerTlsSettings resolve() {
        if (!mode.requestsTls()) {
            for (IniEntry e : new IniEntry[] {caEntry, certificateEntry, keyEntry}) {
                if (e != null) {
                    findings.unmapped(e, "server_tls_sslmode is disable, so backends get no TLS and this file is not used");
                }
            }
            return this;
        }
        if (caEntry != null) {
            if (mode == ServerTls.PREFER) {
                findings.unmapped(caEntry, "server_tls_sslmode prefer does not check certificates (as in libpq); "
                        + "the CA file is not imported");
            } else {
                caPem = read(caEntry).flatMap(pem -> parse(caEntry, () -> BackendCa.parse(pem, caEntry.value().strip()).pem()))
                        .orElse(null);
            }
        }
        if (certificateEntry != null || keyEntry != null) {
            IniEntry missing = certificateEntry == null ? keyEntry : keyEntry == null ? certificateEntry : null;
            if (missing != null) {
                findings.unmapped(missing, "server_tls_cert_file and server_tls_key_file go together; the databases get "
                        + "no client certificate");
            } else {
                Optional<String> certificate = read(certificateEntry);
                Optional<String> key = read(keyEntry);
                if (certificate.isPresent() && key.isPresent()) {
                    client = parse(certificateEntry, () -> TlsMaterial.parse(certificate.get(), key.get())).orElse(null);
                }
            }
        }
        if (mode.verifiesChain() && caPem == null) {
            findings.unmapped(modeEntry, "server_tls_sslmode " + mode.wireName() + " without a usable server_tls_ca_file: "
                    + "the databases get serverTls " + mode.wireName() + " without serverCa, so they verify against "
                    + "portcullis.server-tls.ca-file, and their connections fail until it (or each database's serverCa) is set");
        }
        return this;
    }

    ServerTls mode() {
        return mode;
    }

    /** The CA certificates, re-encoded, or null. */
    String caPem() {
        return caPem;
    }

    /** The client certificate and its clear key, or null. Sealed per database by the caller. */
    TlsMaterial client() {
        return client;
    }

    private Optional<String> read(IniEntry e) {
        String path = e.value().strip();
        try {
            Optional<String> content = files.read(path, e.file());
            if (content.isEmpty()) {
                findings.unmapped(e, "cannot read " + path + ": no such file (through the API, send its content in "
                        + "includes under this path); the databases get nothing from it");
            }
            return content;
        } catch (UncheckedIOException failed) {
            findings.unmapped(e, "cannot read " + path + ": " + failed.getCause().getMessage()
                    + "; the databases get nothing from it");
            return Optional.empty();
        }
    }

    private <T> Optional<T> parse(IniEntry e, java.util.function.Supplier<T> parser) {
        try {
            return Optional.of(parser.get());
        } catch (CertificateMaterialException bad) {
            findings.unmapped(e, e.value().strip() + " cannot be used: " + bad.getMessage()
                    + "; the databases get nothing from it");
            return Optional.empty();
        }
    }

    private ServerTls mode(IniEntry e) {
        String value = e.value().strip().toLowerCase(Locale.ROOT);
        switch (value) {
            case "allow" -> {
                findings.unmapped(e, "Portcullis has no 'allow' (plain first, TLS only if the backend insists): "
                        + "databases get serverTls prefer (TLS when the backend offers it, plain otherwise)");
                return ServerTls.PREFER;
            }
            case "disable", "prefer", "require", "verify-ca", "verify-full" -> {
                return ServerTls.of(value);
            }
            default -> {
                findings.unmapped(e, "not a TLS mode; databases get serverTls disable");
                return ServerTls.DISABLE;
            }
        }
    }
}
