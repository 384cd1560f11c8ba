package io.portcullis.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager for the server side only, whose aliases each name one {@link TlsMaterial}: the certificate chain and
 * key of an alias come from the same material, so they always belong together. No client aliases.
 */
abstract class ServerKeyManager extends X509ExtendedKeyManager {

    /** The material {@code alias} names, or null for an alias this manager never gave out (or null). */
    abstract TlsMaterial material(String alias);

    @Override
    public final X509Certificate[] getCertificateChain(String alias) {
        TlsMaterial material = material(alias);
        return material == null ? null : material.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public final PrivateKey getPrivateKey(String alias) {
        TlsMaterial material = material(alias);
        return material == null ? null : material.key();
    }

    @Override
    public final String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public final String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
