package io.portcullis.tls;

import java.net.Socket;
import java.security.Principal;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * A key manager that serves, at every handshake, the certificate {@code current} gives at that moment: a TLS server
 * built with it follows a rotation without being given new options. For the HTTPS port with the wire listener's
 * certificate ({@code api.GatewayCertificateForHttp}): Vert.x 4.5 resets the connections accepted while a server's
 * options are replaced ({@link ListenerTlsContext} says why), so that server is never given new ones.
 *
 * <p>The engine asks for an alias first and for the certificate and key of that alias next; a rotation may fall in
 * between. Aliases therefore name one material (a number per material seen), and the one before the current is still
 * answered, so that such a handshake completes with the old certificate rather than failing.
 */
public final class CurrentCertificateKeyManager extends ServerKeyManager {

    private final Supplier<TlsMaterial> current;
    /** How many materials were seen: the next one's alias. */
    private long seen;
    private Chosen last;
    private Chosen previous;

    /** @param current the certificate to serve now; called at each handshake, so cheap (a field read) */
    public CurrentCertificateKeyManager(Supplier<TlsMaterial> current) {
        this.current = current;
    }

    /** A material and the alias it was handed out under. */
    private record Chosen(String alias, TlsMaterial material) {
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, (Socket) null);
    }

    @Override
    public synchronized String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        TlsMaterial now = current.get();
        if (!keyType.equals(now.key().getAlgorithm())) {
            return null;
        }
        if (last == null || last.material() != now) {
            previous = last;
            last = new Chosen(Long.toString(seen++), now);
        }
        return last.alias();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = chooseServerAlias(keyType, issuers, (Socket) null);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    synchronized TlsMaterial material(String alias) {
        for (Chosen chosen : new Chosen[] {last, previous}) {
            if (chosen != null && chosen.alias().equals(alias)) {
                return chosen.material();
            }
        }
        return null;
    }
}
