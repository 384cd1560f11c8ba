package io.portcullis.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * What a gateway-style listener serves to a new client: SSLRequest, 'S', then a handshake that trusts
 * any certificate, because these tests check which certificate is served, not whether it is trusted.
 */
public final class ServedCertificate {

    /** PostgreSQL's SSLRequest code. */
    private static final int SSL_REQUEST_CODE = 80877103;

    private ServedCertificate() {
    }

    /** The leaf certificate a new connection to {@code port} is served. */
    public static X509Certificate read(int port) throws IOException, GeneralSecurityException {
        try (Socket plain = sslRequest(port);
             SSLSocket tls = (SSLSocket) trustingAnything().getSocketFactory().createSocket(plain, "localhost", port, true)) {
            tls.startHandshake();
            return (X509Certificate) tls.getSession().getPeerCertificates()[0];
        }
    }

    /** The leaf certificate a new connection to {@code port} is served when it asks for {@code serverName} (SNI). */
    public static X509Certificate read(int port, String serverName) throws IOException, GeneralSecurityException {
        return read(InetAddress.getLoopbackAddress(), port, serverName);
    }

    /** As {@link #read(int, String)} on another address than 127.0.0.1 (such as 127.0.0.2, a second local replica). */
    public static X509Certificate read(InetAddress address, int port, String serverName) throws IOException, GeneralSecurityException {
        try (Socket plain = sslRequest(address, port);
             SSLSocket tls = (SSLSocket) trustingAnything().getSocketFactory().createSocket(plain, serverName, port, true)) {
            javax.net.ssl.SSLParameters parameters = tls.getSSLParameters();
            parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(serverName)));
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return (X509Certificate) tls.getSession().getPeerCertificates()[0];
        }
    }

    /** A connected socket that has sent SSLRequest and been answered 'S'. */
    public static Socket sslRequest(int port) throws IOException {
        return sslRequest(InetAddress.getLoopbackAddress(), port);
    }

    private static Socket sslRequest(InetAddress address, int port) throws IOException {
        Socket plain = new Socket(address, port);
        plain.setSoTimeout(10_000);
        DataOutputStream out = new DataOutputStream(plain.getOutputStream());
        out.writeInt(8);
        out.writeInt(SSL_REQUEST_CODE);
        out.flush();
        int answer = plain.getInputStream().read();
        if (answer != 'S') {
            plain.close();
            throw new IOException("expected 'S' in answer to SSLRequest, got " + answer);
        }
        return plain;
    }

    /** A TLS context for clients that accept any server certificate. */
    public static SSLContext trustingAnything() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[]{new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }
}
