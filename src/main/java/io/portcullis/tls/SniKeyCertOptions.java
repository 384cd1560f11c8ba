package io.portcullis.tls;

import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;

import java.util.List;
import javax.net.ssl.KeyManagerFactory;

/**
 * The listener's certificates as Vert.x takes them when there are named ones: one key manager ({@link SniKeyManager})
 * that picks by server name inside the handshake. Equal when the certificates and keys are, as Vert.x's own PEM options
 * are, so that a swap to the same certificates is recognised as no change.
 */
final class SniKeyCertOptions implements KeyCertOptions {

    private final TlsMaterial defaultMaterial;
    private final List<SniCertificate> named;

    SniKeyCertOptions(TlsMaterial defaultMaterial, List<SniCertificate> named) {
        this.defaultMaterial = defaultMaterial;
        this.named = List.copyOf(named);
    }

    /** Immutable: the copy is this. */
    @Override
    public KeyCertOptions copy() {
        return this;
    }

    @Override
    public KeyManagerFactory getKeyManagerFactory(Vertx vertx) throws Exception {
        SniKeyManager manager = new SniKeyManager(defaultMaterial, named);
        return new KeyManagerFactoryWrapper(manager);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SniKeyCertOptions that && pems(this).equals(pems(that));
    }

    @Override
    public int hashCode() {
        return pems(this).hashCode();
    }

    private static List<String> pems(SniKeyCertOptions options) {
        java.util.ArrayList<String> pems = new java.util.ArrayList<>();
        pems.add(options.defaultMaterial.certificateChainPem());
        pems.add(options.defaultMaterial.privateKeyPem());
        for (SniCertificate certificate : options.named) {
            pems.add(certificate.name());
            pems.add(certificate.material().certificateChainPem());
            pems.add(certificate.material().privateKeyPem());
        }
        return pems;
    }

    @Override
    public String toString() {
        return "SniKeyCertOptions[named=" + named.stream().map(SniCertificate::name).toList() + "]";
    }
}
