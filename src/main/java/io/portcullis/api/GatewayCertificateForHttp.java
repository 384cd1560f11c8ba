package io.portcullis.api;

import io.portcullis.tls.CurrentCertificateKeyManager;
import io.portcullis.tls.TlsAdministration;
import io.portcullis.tls.ServerCertificateChanged;
import io.portcullis.tls.TlsMaterial;
import io.quarkus.tls.KeyStoreAndKeyCertOptions;
import io.quarkus.tls.KeyStoreProvider;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.security.KeyStore;
import java.util.Optional;

/**
 * The gateway's own server certificate as the Quarkus TLS configuration named {@value #NAME}, for the HTTP
 * port when {@code portcullis.api.tls=gateway} ({@link ApiTlsConfigSourceFactory}). Quarkus's TLS registry
 * asks this provider for the key store; the HTTP server gets a key manager that serves, at each handshake, the
 * certificate the wire listener serves then ({@link CurrentCertificateKeyManager}), so it follows a rotation with no
 * new options. Not Quarkus's own reload ({@code CertificateUpdatedEvent}): it swaps the server's options with Vert.x
 * 4.5's {@code updateSSLOptions}, which resets the HTTPS and {@code wss://} connections accepted meanwhile.
 */
@ApplicationScoped
@Identifier(GatewayCertificateForHttp.NAME)
public class GatewayCertificateForHttp implements KeyStoreProvider {

    /** The TLS configuration name, and the value of {@code portcullis.api.tls} that selects it. */
    public static final String NAME = "gateway";

    private static final Logger LOG = Logger.getLogger(GatewayCertificateForHttp.class);

    private final TlsAdministration tls;
    /** Looked up when needed: the registry asks this provider for its key store while it is being built itself. */
    private final Instance<TlsConfigurationRegistry> registry;

    @Inject
    public GatewayCertificateForHttp(TlsAdministration tls, Instance<TlsConfigurationRegistry> registry) {
        this.tls = tls;
        this.registry = registry;
    }

    @Override
    public KeyStoreAndKeyCertOptions getKeyStore(Vertx vertx) {
        TlsMaterial material = tls.material();
        PemKeyCertOptions options = new PemKeyCertOptions()
                .addCertValue(Buffer.buffer(material.certificateChainPem()))
                .addKeyValue(Buffer.buffer(material.privateKeyPem()));
        try {
            // The key store: what Quarkus's registry shows of this configuration, reloaded on each rotation.
            KeyStore keyStore = options.loadKeyStore(vertx);
            return new KeyStoreAndKeyCertOptions(keyStore, KeyCertOptions.wrap(new CurrentCertificateKeyManager(tls::material)));
        } catch (Exception e) {
            throw new IllegalStateException("the gateway's certificate cannot be loaded for HTTPS: " + e.getMessage(), e);
        }
    }

    /**
     * Keeps the registry's view of the configuration (its key store) on the certificate now served; the HTTP server
     * needs nothing, its key manager already serves it. Runs on a worker thread (an asynchronous observer).
     * Synchronized, so two quick rotations reload one after the other; each reload reads the certificate in force
     * at that moment.
     */
    synchronized void onCertificateChanged(@ObservesAsync ServerCertificateChanged change) {
        Optional<TlsConfiguration> configuration = registry.get().get(NAME);
        if (configuration.isPresent() && configuration.get().reload()) {
            LOG.debugf("HTTPS configuration '%s' shows the new server certificate %s", NAME,
                    change.material().info().sha256Fingerprint());
        }
    }
}
