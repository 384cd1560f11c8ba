package io.portcullis.api;

import io.portcullis.tls.TlsAdministration;
import io.portcullis.tls.ServerCertificateChanged;
import io.portcullis.tls.TlsMaterial;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.KeyStoreAndKeyCertOptions;
import io.quarkus.tls.KeyStoreProvider;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.security.KeyStore;
import java.util.Optional;

/**
 * The gateway's own server certificate as the Quarkus TLS configuration named {@value #NAME}, for the HTTP
 * port when {@code portcullis.api.tls=gateway} ({@link ApiTlsConfigSourceFactory}). Quarkus's TLS registry
 * asks this provider for the key store; when the wire listeners start serving a new certificate
 * ({@link ServerCertificateChanged}), the configuration is reloaded from here and Quarkus is told
 * ({@link CertificateUpdatedEvent}), which makes the HTTP server use it for new connections.
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
    private final Event<CertificateUpdatedEvent> updates;

    @Inject
    public GatewayCertificateForHttp(TlsAdministration tls, Instance<TlsConfigurationRegistry> registry,
                                     Event<CertificateUpdatedEvent> updates) {
        this.tls = tls;
        this.registry = registry;
        this.updates = updates;
    }

    @Override
    public KeyStoreAndKeyCertOptions getKeyStore(Vertx vertx) {
        TlsMaterial material = tls.material();
        PemKeyCertOptions options = new PemKeyCertOptions()
                .addCertValue(Buffer.buffer(material.certificateChainPem()))
                .addKeyValue(Buffer.buffer(material.privateKeyPem()));
        try {
            KeyStore keyStore = options.loadKeyStore(vertx);
            return new KeyStoreAndKeyCertOptions(keyStore, options);
        } catch (Exception e) {
            throw new IllegalStateException("the gateway's certificate cannot be loaded for HTTPS: " + e.getMessage(), e);
        }
    }

    /**
     * Runs on a worker thread (an asynchronous observer): Quarkus's HTTP server waits there for the new
     * options to be in force. Synchronized, so two quick rotations reload one after the other; each reload
     * reads the certificate in force at that moment.
     */
    synchronized void onCertificateChanged(@ObservesAsync ServerCertificateChanged change) {
        Optional<TlsConfiguration> configuration = registry.get().get(NAME);
        if (configuration.isEmpty() || !configuration.get().reload()) {
            return;
        }
        updates.fire(new CertificateUpdatedEvent(NAME, configuration.get()));
        LOG.debugf("HTTPS configuration '%s' follows the new server certificate %s", NAME,
                change.material().info().sha256Fingerprint());
    }
}
