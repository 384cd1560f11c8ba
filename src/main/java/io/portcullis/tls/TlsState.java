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
 * @param named            certificates chosen by the client's server name (SNI) instead of {@code material}
 */
public record TlsState(
        TlsMaterial material,
        ClientTlsMode mode,
        List<String> protocols,
        List<String> ciphers,
        ClientCa clientCa,
        boolean certificateFromFiles,
        List<SniCertificate> named) {

    /** A state without named certificates. */
    public TlsState(TlsMaterial material, ClientTlsMode mode, List<String> protocols, List<String> ciphers,
                    ClientCa clientCa, boolean certificateFromFiles) {
        this(material, mode, protocols, ciphers, clientCa, certificateFromFiles, List.of());
    }

    public TlsState {
        Objects.requireNonNull(material, "material");
        Objects.requireNonNull(mode, "mode");
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
        named = List.copyOf(named);
    }

    public TlsState withMaterial(TlsMaterial newMaterial) {
        return new TlsState(newMaterial, mode, protocols, ciphers, clientCa, certificateFromFiles, named);
    }

    public TlsState withSettings(ClientTlsMode newMode, List<String> newProtocols, List<String> newCiphers) {
        return new TlsState(material, newMode, newProtocols, newCiphers, clientCa, certificateFromFiles, named);
    }

    public TlsState withClientCa(ClientCa newClientCa) {
        return new TlsState(material, mode, protocols, ciphers, newClientCa, certificateFromFiles, named);
    }

    public TlsState withNamed(List<SniCertificate> newNamed) {
        return new TlsState(material, mode, protocols, ciphers, clientCa, certificateFromFiles, newNamed);
    }

    /** Whether the listener needs a new TLS context to go from {@code this} to {@code next}. */
    boolean listenerDiffers(TlsState next) {
        return !material.certificateChainPem().equals(next.material.certificateChainPem())
                || !material.privateKeyPem().equals(next.material.privateKeyPem())
                || !protocols.equals(next.protocols) || !ciphers.equals(next.ciphers)
                || !Objects.equals(clientCa == null ? null : clientCa.pem(), next.clientCa == null ? null : next.clientCa.pem())
                || !namedPems(named).equals(namedPems(next.named));
    }

    private static List<String> namedPems(List<SniCertificate> certificates) {
        return certificates.stream().flatMap(c -> java.util.stream.Stream.of(c.name(), c.material().certificateChainPem(),
                c.material().privateKeyPem())).toList();
    }
}
