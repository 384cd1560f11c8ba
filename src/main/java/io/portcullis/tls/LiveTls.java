package io.portcullis.tls;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSession;

/**
 * The TLS material and mode the wire listener runs with now. On first start without a certificate
 * it generates a self-signed one in the data directory and logs its fingerprint, so that a client
 * can pin it (verify-full with the certificate as root) before a real one is installed.
 */
@ApplicationScoped
public class LiveTls {

    private static final Logger LOG = Logger.getLogger(LiveTls.class);
    private static final List<String> ALLOWED_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    @Inject
    TlsSettings settings;

    @ConfigProperty(name = "portcullis.data-dir", defaultValue = "./data")
    Path dataDir;

    private volatile TlsMaterial material;
    private volatile ClientTlsMode mode;
    private List<String> protocols;

    @PostConstruct
    void init() {
        mode = ClientTlsMode.of(settings.mode());
        protocols = settings.protocols().stream().filter(ALLOWED_PROTOCOLS::contains).toList();
        if (protocols.isEmpty()) {
            throw new IllegalStateException("portcullis.tls.protocols must name TLSv1.2 and/or TLSv1.3, not "
                    + settings.protocols());
        }
        ServerCertificateFiles.Loaded loaded = ServerCertificateFiles.loadOrCreate(dataDir, hostname(),
                new SecureRandom(), Clock.systemUTC());
        material = loaded.material();
        CertificateInfo info = material.info();
        LOG.infof("%s; SHA-256 fingerprint %s, valid until %s", loaded.detail(), info.sha256Fingerprint(), info.notAfter());
        // The first handshake would otherwise build the TLS context on an event loop (about a second cold).
        VertxTls.prewarm(material);
    }

    public ClientTlsMode mode() {
        return mode;
    }

    public TlsMaterial material() {
        return material;
    }

    /** Prepares a listener so that sockets can be upgraded to TLS after SSLRequest or a direct ClientHello. */
    public NetServerOptions configure(NetServerOptions options) {
        if (mode != ClientTlsMode.DISABLE) {
            VertxTls.configure(options, material, protocols);
        }
        return options;
    }

    /** Starts TLS after the gateway answered 'S' to an SSLRequest. */
    public Future<Void> upgradeAfterSslRequest(NetSocket socket) {
        return VertxTls.upgradeAfterSslRequest(socket);
    }

    /** Starts TLS on a socket whose first bytes (already read) were a ClientHello: PostgreSQL 17's direct TLS. */
    public Future<Void> startDirectTls(NetSocket socket, Buffer alreadyRead) {
        return VertxTls.startDirectTls(socket, alreadyRead);
    }

    /** The negotiated TLS session of a client connection (protocol, cipher suite), or {@code null} in clear. */
    public SSLSession session(NetSocket socket) {
        return VertxTls.session(socket);
    }

    private static String hostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.toLowerCase(Locale.ROOT);
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (Exception e) {
            return "localhost";
        }
    }
}
