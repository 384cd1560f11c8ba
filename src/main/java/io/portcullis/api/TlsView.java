package io.portcullis.api;

import io.portcullis.tls.CertificateInfo;
import io.portcullis.tls.ClientTlsMode;
import io.portcullis.tls.TlsState;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** What {@code GET /api/v1/tls} shows: the settings in force and the certificates, never key material. */
@Schema(name = "Tls")
public record TlsView(
        @Schema(description = "what clients must do", enumeration = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
        ClientTlsMode mode,
        @Schema(description = "TLS versions offered", example = "[\"TLSv1.2\", \"TLSv1.3\"]")
        List<String> protocols,
        @Schema(description = "cipher suites offered (JSSE names): the configured ones, or the defaults (TLS 1.3, and TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305)")
        List<String> ciphers,
        @Schema(description = "the server certificate")
        CertificateInfo certificate,
        @Schema(description = "where the server certificate comes from: api (the configuration store, its key sealed: every "
                + "replica sharing the store serves it) or file (portcullis.tls.cert-file, watched)",
                enumeration = {"api", "file"})
        String certificateSource,
        @Schema(description = "the CA client certificates must chain to; null when none is configured")
        ClientCaView clientCa,
        @Schema(description = "whether a CSR's key waits for its signed certificate (PUT /tls/certificate without a key)")
        boolean csrPending) {

    static TlsView of(TlsState state, boolean clientCaFromFile, boolean csrPending) {
        ClientCaView ca = state.clientCa() == null ? null
                : new ClientCaView(state.clientCa().info(), clientCaFromFile ? "file" : "api");
        return new TlsView(state.mode(), state.protocols(), state.ciphers(), state.material().info(),
                state.certificateFromFiles() ? "file" : "api", ca, csrPending);
    }

    /** The client CA: its certificates and where they come from. */
    @Schema(name = "ClientCa")
    public record ClientCaView(
            List<CertificateInfo> certificates,
            @Schema(enumeration = {"api", "file"}) String source) {
    }
}
