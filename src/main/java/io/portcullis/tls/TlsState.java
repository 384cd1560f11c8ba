package io.portcullis.tls;

import java.util.List;
import java.util.Objects;

/**
 * Everything the wire listener's TLS runs with at one moment; replaced as a whole by
 * {@link TlsAdministration}, never changed in place.
 *
 * @param material         the server certificate chain and key
 * @param mode             what clients must do
 * @param protocols        TLS versions offered, a non-empty subset of TLSv1.2 and TLSv1.3
 * @param ciphers          cipher suites offered (JSSE names); {@link TlsAdministration} resolves none configured to
 *                         {@link VertxTls#defaultCiphers}; empty = {@link VertxTls#DEFAULT_CIPHERS}
 * @param clientCa         the CA client certificates must chain to, or {@code null}
 * @param certificateFromFiles whether the certificate comes from {@code portcullis.tls.cert-file}
 *                         (and so cannot be replaced through the API)
 */
public record TlsState(
        TlsMaterial material,
        ClientTlsMode mode,
        List<String> protocols,
        List<String> ciphers,
        ClientCa clientCa,
        boolean certificateFromFiles) {

    public TlsState {
        Objects.requireNonNull(material, "material");
        Objects.requireNonNull(mode, "mode");
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
    }

    public TlsState withMaterial(TlsMaterial newMaterial) {
        return new TlsState(newMaterial, mode, protocols, ciphers, clientCa, certificateFromFiles);
    }

    public TlsState withSettings(ClientTlsMode newMode, List<String> newProtocols, List<String> newCiphers) {
        return new TlsState(material, newMode, newProtocols, newCiphers, clientCa, certificateFromFiles);
    }

    public TlsState withClientCa(ClientCa newClientCa) {
        return new TlsState(material, mode, protocols, ciphers, newClientCa, certificateFromFiles);
    }

    /** Whether the listener must be given new TLS options to go from {@code this} to {@code next}. */
    boolean listenerDiffers(TlsState next) {
        return !material.certificateChainPem().equals(next.material.certificateChainPem())
                || !material.privateKeyPem().equals(next.material.privateKeyPem())
                || !protocols.equals(next.protocols) || !ciphers.equals(next.ciphers)
                || !Objects.equals(clientCa == null ? null : clientCa.pem(), next.clientCa == null ? null : next.clientCa.pem());
    }
}
