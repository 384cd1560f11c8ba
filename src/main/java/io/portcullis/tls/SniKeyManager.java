package io.portcullis.tls;

import java.net.Socket;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * Chooses the listener's certificate during each handshake by the server name the client sent (SNI): the first named
 * certificate that covers it, else the default one. It runs inside the TLS engine's own handshake (the JDK's, and
 * OpenSSL's through Netty, which both ask {@link #chooseEngineServerAlias} with the handshake session in reach), so
 * there is one TLS context for all names, nothing is looked up elsewhere, and a listener without named certificates
 * never gets here (its context holds the one certificate: {@link ListenerTlsContext}).
 *
 * <p>Aliases are positions: {@code 0} the default, {@code 1..n} the named certificates in order.
 */
final class SniKeyManager extends ServerKeyManager {

    private static final String DEFAULT = "0";

    private final TlsMaterial defaultMaterial;
    private final List<SniCertificate> named;

    SniKeyManager(TlsMaterial defaultMaterial, List<SniCertificate> named) {
        this.defaultMaterial = defaultMaterial;
        this.named = List.copyOf(named);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        String serverName = engine == null ? null : requestedName(engine.getHandshakeSession());
        if (serverName != null) {
            boolean covered = false;
            for (int i = 0; i < named.size(); i++) {
                SniCertificate candidate = named.get(i);
                if (candidate.covers(serverName)) {
                    if (keyType.equals(candidate.material().key().getAlgorithm())) {
                        return Integer.toString(i + 1);
                    }
                    covered = true;
                }
            }
            if (covered) {
                // A certificate for this name exists, for another key type: the engine asks again with that type.
                // The default (for another name) would only fail the client's host name check.
                return null;
            }
        }
        return keyType.equals(defaultMaterial.key().getAlgorithm()) ? DEFAULT : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return keyType.equals(defaultMaterial.key().getAlgorithm()) ? DEFAULT : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        List<String> aliases = new ArrayList<>();
        if (keyType.equals(defaultMaterial.key().getAlgorithm())) {
            aliases.add(DEFAULT);
        }
        for (int i = 0; i < named.size(); i++) {
            if (keyType.equals(named.get(i).material().key().getAlgorithm())) {
                aliases.add(Integer.toString(i + 1));
            }
        }
        return aliases.isEmpty() ? null : aliases.toArray(String[]::new);
    }

    @Override
    TlsMaterial material(String alias) {
        int index;
        try {
            index = Integer.parseInt(alias);
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
        if (index == 0) {
            return defaultMaterial;
        }
        return index >= 1 && index <= named.size() ? named.get(index - 1).material() : null;
    }

    /** The host name the client asked for, lower case, or null. */
    private static String requestedName(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession extended)) {
            return null;
        }
        for (SNIServerName name : extended.getRequestedServerNames()) {
            if (name instanceof SNIHostName host) {
                return host.getAsciiName().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }
}
