package io.portcullis.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Bodies of the {@code /api/v1/tls} writes. Key material in them is write-only and never logged. */
public final class TlsRequests {

    private TlsRequests() {
    }

    /** {@code PUT /api/v1/tls}; a field left out keeps its current value. */
    @Schema(name = "TlsSettingsRequest")
    public record Settings(
            @Schema(enumeration = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}, example = "verify-full")
            String mode,
            @Schema(description = "TLSv1.2 and/or TLSv1.3; [] = back to the portcullis.tls.protocols property "
                    + "(TLSv1.3 and TLSv1.2 unless set); left out = unchanged", example = "[\"TLSv1.3\"]")
            List<String> protocols,
            @Schema(description = "JSSE cipher suite names, TLS 1.3 and 1.2 alike; [] = back to the portcullis.tls.ciphers "
                    + "property (unless set: TLS 1.3's suites, and TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305); left out = unchanged", example = "[\"TLS_AES_256_GCM_SHA384\"]")
            List<String> ciphers) {
    }

    /** {@code PUT /api/v1/tls/certificates/{name}}: a certificate served by the client's TLS server name (SNI), with its key. */
    @Schema(name = "NamedCertificateUpload")
    public record NamedCertificate(
            @Schema(description = "PEM: the server certificate first, then each intermediate; its subject alternative "
                    + "DNS names (exact, or *.example.com for one label) are the server names it is served for", required = true)
            String certificateChainPem,
            @Schema(writeOnly = true, required = true, description = "PEM private key (PKCS#8, PKCS#1 or SEC1, RSA or EC)")
            String privateKeyPem,
            @Schema(writeOnly = true, description = "passphrase of an encrypted private key")
            String passphrase) {
    }

    /** {@code PUT /api/v1/tls/certificate}. */
    @Schema(name = "CertificateUpload")
    public record Certificate(
            @Schema(description = "PEM: the server certificate first, then each intermediate", required = true)
            String certificateChainPem,
            @Schema(writeOnly = true, description = "PEM private key (PKCS#8, PKCS#1 or SEC1, RSA or EC); leave out to "
                    + "complete the pending CSR")
            String privateKeyPem,
            @Schema(writeOnly = true, description = "passphrase of an encrypted private key")
            String passphrase) {

        @Override
        public String toString() {
            return "Certificate[certificateChainPem, privateKeyPem=<redacted>, passphrase=<redacted>]";
        }
    }

    /** {@code POST /api/v1/tls/certificate/self-signed}. */
    @Schema(name = "SelfSignedRequest")
    public record SelfSigned(
            @Schema(required = true, example = "db.example.com") String commonName,
            @Schema(description = "DNS names and IP addresses", example = "[\"db.example.com\", \"10.0.0.5\"]")
            List<String> subjectAltNames,
            @Schema(description = "validity in days", defaultValue = "397", example = "397") Integer validDays) {

        static final int DEFAULT_VALID_DAYS = 397;
    }

    /** {@code POST /api/v1/tls/csr}. */
    @Schema(name = "CsrRequest")
    public record Csr(
            @Schema(required = true, description = "X.500 name or a bare common name", example = "CN=db.example.com,O=Example")
            String subject,
            @Schema(description = "DNS names and IP addresses", example = "[\"db.example.com\"]")
            List<String> subjectAltNames) {
    }

    /** The answer of {@code POST /api/v1/tls/csr}. */
    @Schema(name = "CsrResponse")
    public record CsrPem(@Schema(description = "PKCS#10 CERTIFICATE REQUEST, PEM") String csrPem) {
    }

    /** {@code PUT /api/v1/tls/client-ca}. */
    @Schema(name = "ClientCaRequest")
    public record ClientCa(@Schema(required = true, description = "PEM: one or more CA certificates") String caPem) {
    }
}
