package io.portcullis.pool;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.portcullis.config.ServerTls;
import io.portcullis.tls.BackendTlsDefaults;
import io.portcullis.tls.BackendTlsProfile;
import io.portcullis.tls.VertxTls;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Vert.x clients that open backend connections. Vert.x 4 fixes the connect timeout and all TLS options
 * (trust, host-name verification, client certificate, the SNI name once used) per client, and closing a
 * client closes the connections it opened; so there is one client per connect timeout for plain-text
 * databases (all of them share it: their data path is exactly what it was before backend TLS existed), and
 * one per connect timeout, host and TLS settings for the others. A changed value gets a client of its own
 * and the old one stays for its connections: a few per configuration change that touches TLS.
 */
final class BackendClients {

    private record Key(long timeoutMillis, String host, ServerTls mode, String serverCa, String serverCertificate,
                       String sealedServerKey) {
    }

    private final Vertx vertx;
    private final SecretBox secrets;
    private final BackendTlsDefaults defaults;
    private final Map<Key, NetClient> clients = new ConcurrentHashMap<>();

    BackendClients(Vertx vertx, SecretBox secrets, BackendTlsDefaults defaults) {
        this.vertx = vertx;
        this.secrets = secrets;
        this.defaults = defaults;
    }

    /**
     * The client for {@code db}'s connections.
     *
     * @throws RuntimeException whose message says why no client can be made (the serverKey does not open, the
     *                          TLS material is unusable, verify-* has nothing to trust); never key material
     */
    NetClient client(DatabaseConfig db, Duration connectTimeout) {
        return client(db, db.host(), connectTimeout);
    }

    /**
     * The client for {@code db}'s connections to {@code host}, one of its hosts: a TLS client fixes the host name it
     * verifies and sends as SNI, so each host of a list has its own.
     */
    NetClient client(DatabaseConfig db, String host, Duration connectTimeout) {
        long timeoutMillis = Math.max(1, connectTimeout.toMillis());
        if (!db.serverTls().requestsTls()) {
            return clients.computeIfAbsent(new Key(timeoutMillis, null, ServerTls.DISABLE, null, null, null),
                    key -> vertx.createNetClient(base(timeoutMillis)));
        }
        Key key = new Key(timeoutMillis, host, db.serverTls(), db.serverCa(), db.serverCertificate(), db.sealedServerKey());
        NetClient existing = clients.get(key);
        if (existing != null) {
            return existing;
        }
        String clearKey = db.hasServerKey() ? secrets.open(db.sealedServerKey(), SecretBinding.serverKey(db)) : null;
        BackendTlsProfile profile = BackendTlsProfile.of(db.name(), db.serverTls(), db.serverCa(), db.serverCertificate(),
                clearKey, defaults);
        return clients.computeIfAbsent(key, k -> vertx.createNetClient(VertxTls.configureBackendClient(base(timeoutMillis), profile)));
    }

    private static NetClientOptions base(long timeoutMillis) {
        return new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true);
    }
}
