package io.portcullis.proxy;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import java.util.Locale;

/** The server name a TLS client asked for (SNI, RFC 6066), as both TLS engines report it. */
final class TlsServerNames {

    private TlsServerNames() {
    }

    /** The host name the client sent in its ClientHello, lower case; null without one. */
    static String requested(SSLSession session) {
        if (!(session instanceof ExtendedSSLSession extended)) {
            return null;
        }
        try {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name.getType() == 0 /* host_name */) {
                    return (name instanceof SNIHostName host ? host.getAsciiName()
                            : new SNIHostName(name.getEncoded()).getAsciiName()).toLowerCase(Locale.ROOT);
                }
            }
        } catch (RuntimeException e) {
            // An engine that does not keep the name, or one the JDK cannot decode: no name.
        }
        return null;
    }
}
