package io.portcullis.migrate;

import io.portcullis.config.ServerTls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Translates PgBouncer's {@code client_tls_*} settings to what Portcullis's listener takes. One per
 * import; {@link #accept} returns false for keys it does not own.
 */
final class ClientTlsSettings {

    private static final Set<String> MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    /** PgBouncer's shortcuts for "whatever OpenSSL considers sane": Portcullis's JVM defaults mean the same. */
    private static final Set<String> DEFAULT_CIPHERS = Set.of("default", "secure", "fast", "normal");

    private final ImportFindings findings;
    private String mode;
    private List<String> protocols = List.of();
    private List<String> ciphers = List.of();
    private String certificateFile;
    private String privateKeyFile;
    private String clientCaFile;

    ClientTlsSettings(ImportFindings findings) {
        this.findings = findings;
    }

    boolean accept(IniEntry e) {
        String value = e.value().strip();
        switch (e.key()) {
            case "client_tls_sslmode" -> {
                String m = value.toLowerCase(Locale.ROOT);
                if (MODES.contains(m)) {
                    mode = m;
                } else {
                    findings.unmapped(e, "not a TLS mode; expected one of disable, allow, prefer, require, verify-ca, verify-full");
                }
            }
            case "client_tls_protocols" -> protocols = protocols(e);
            case "client_tls_ciphers" -> {
                if (!DEFAULT_CIPHERS.contains(value.toLowerCase(Locale.ROOT))) {
                    findings.unmapped(e, "an OpenSSL cipher list for TLS 1.2; Portcullis uses the JVM's secure defaults "
                            + "unless given IANA cipher suite names (PUT /api/v1/tls \"ciphers\"): translate it by hand");
                }
            }
            case "client_tls13_ciphers" -> ciphers = value.isEmpty() ? List.of()
                    : Arrays.stream(value.split("[:,\\s]+")).filter(s -> !s.isEmpty()).toList();
            case "client_tls_cert_file" -> certificateFile = value;
            case "client_tls_key_file" -> privateKeyFile = value;
            case "client_tls_ca_file" -> clientCaFile = value;
            case "client_tls_ecdhcurve", "client_tls_dheparams" ->
                    findings.unmapped(e, "key exchange groups follow the JVM's secure defaults; there is no setting for them");
            default -> {
                return false;
            }
        }
        return true;
    }

    private List<String> protocols(IniEntry e) {
        Set<String> versions = new LinkedHashSet<>();
        boolean old = false;
        for (String token : e.value().strip().toLowerCase(Locale.ROOT).split("[,\\s]+")) {
            switch (token) {
                case "secure" -> {
                    versions.add("TLSv1.3");
                    versions.add("TLSv1.2");
                }
                case "all", "legacy" -> {
                    versions.add("TLSv1.3");
                    versions.add("TLSv1.2");
                    old = true;
                }
                case "tlsv1.3" -> versions.add("TLSv1.3");
                case "tlsv1.2" -> versions.add("TLSv1.2");
                case "tlsv1.0", "tlsv1.1", "tlsv1" -> old = true;
                case "" -> {
                }
                default -> {
                    findings.unmapped(e, "'" + token + "' is not a TLS version PgBouncer knows; the list is not imported");
                    return List.of();
                }
            }
        }
        if (old) {
            findings.unmapped(e, "TLS 1.0 and 1.1 are never offered by Portcullis; only TLS 1.2 and 1.3 are kept");
        }
        return new ArrayList<>(versions);
    }

    TlsSettingsReport report(ServerTls serverTls) {
        List<String> steps = new ArrayList<>();
        if (mode == null) {
            steps.add("client_tls_sslmode is not set, so PgBouncer accepted plain TCP only; Portcullis requires TLS "
                    + "by default (portcullis.tls.mode=require): set portcullis.tls.mode=prefer to keep accepting "
                    + "clients that do not use TLS");
        } else {
            steps.add("portcullis.tls.mode=" + mode + " (or PUT /api/v1/tls {\"mode\":\"" + mode + "\"})");
        }
        if (!protocols.isEmpty()) {
            steps.add("portcullis.tls.protocols=" + String.join(",", protocols));
        }
        if (!ciphers.isEmpty()) {
            steps.add("PUT /api/v1/tls with \"ciphers\": [\"" + String.join("\", \"", ciphers) + "\"]");
        }
        if (certificateFile != null || privateKeyFile != null) {
            steps.add("install the certificate: PUT /api/v1/tls/certificate with the PEM content of "
                    + certificateFile + " and " + privateKeyFile + " (or portcullis.tls.cert-file=" + certificateFile
                    + " and portcullis.tls.key-file=" + privateKeyFile + ")");
        }
        if (clientCaFile != null) {
            steps.add("PUT /api/v1/tls/client-ca with the PEM content of " + clientCaFile
                    + " (or portcullis.tls.client-ca-file=" + clientCaFile + "); it is used with verify-ca and verify-full");
        }
        return new TlsSettingsReport(false, mode, protocols, ciphers, certificateFile, privateKeyFile, clientCaFile,
                serverTls.wireName(), steps);
    }
}
