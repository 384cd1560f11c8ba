package io.portcullis.testing;

import io.portcullis.testing.ServedCertificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A deliberately dumb wire client for what pgJDBC will not send: odd versions, broken packets. */
public final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(15_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    public static RawClient plain(int port) throws IOException {
        return new RawClient(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** SSLRequest, 'S', then a TLS session that trusts any certificate (the test checks the protocol, not trust). */
    public static RawClient tls(int port) throws Exception {
        Socket plain = ServedCertificate.sslRequest(port);
        SSLContext ctx = ServedCertificate.trustingAnything();
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", port, true);
        tls.startHandshake();
        return new RawClient(tls);
    }

    /**
     * As {@link #tls(int)}, from a chosen loopback address (127.0.0.0/8 all reach the gateway, and the
     * gateway's per-address limits then count this client apart from the others) and, if given, only
     * the named TLS protocol versions.
     */
    public static RawClient tls(int port, InetAddress localAddress, String... protocols) throws Exception {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port, localAddress, 0);
        plain.setSoTimeout(15_000);
        DataOutputStream sslRequest = new DataOutputStream(plain.getOutputStream());
        sslRequest.writeInt(8);
        sslRequest.writeInt(80877103);
        sslRequest.flush();
        int answer = plain.getInputStream().read();
        if (answer != 'S') {
            plain.close();
            throw new IOException("expected 'S' in answer to SSLRequest, got " + answer);
        }
        SSLSocket tls = (SSLSocket) ServedCertificate.trustingAnything().getSocketFactory()
                .createSocket(plain, "localhost", port, true);
        if (protocols.length > 0) {
            tls.setEnabledProtocols(protocols);
        }
        tls.startHandshake();
        return new RawClient(tls);
    }

    /** A plain connection from a chosen loopback address. */
    public static RawClient plain(int port, InetAddress localAddress) throws IOException {
        return new RawClient(new Socket(InetAddress.getLoopbackAddress(), port, localAddress, 0));
    }

    /** The socket, for what the helpers here do not cover (TLS renegotiation, timeouts). */
    public Socket socket() {
        return socket;
    }

    /** Writes one typed message: type, length, body. */
    public void message(char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(4 + body.length);
        out.write(body);
        out.flush();
    }

    /** The body of the last message read by {@link #readType()}. */
    public byte[] lastBody() {
        return last.clone();
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void startup(int major, int minor, Map<String, String> params) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> p : params.entrySet()) {
            body.writeBytes(p.getKey().getBytes(StandardCharsets.UTF_8));
            body.write(0);
            body.writeBytes(p.getValue().getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        out.writeInt(8 + body.size());
        out.writeInt((major << 16) | minor);
        out.write(body.toByteArray());
        out.flush();
    }

    /** Reads one message and returns its type; the body is kept for {@link #lastFields()}. */
    public char readType() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("connection closed by the gateway");
        }
        int length = in.readInt();
        last = new byte[length - 4];
        in.readFully(last);
        return (char) type;
    }

    private byte[] last = new byte[0];

    /** Fields of the last ErrorResponse/NoticeResponse read. */
    public Map<Character, String> lastFields() {
        Map<Character, String> fields = new HashMap<>();
        int i = 0;
        while (i < last.length && last[i] != 0) {
            char code = (char) last[i++];
            int end = i;
            while (last[end] != 0) {
                end++;
            }
            fields.put(code, new String(last, i, end - i, StandardCharsets.UTF_8));
            i = end + 1;
        }
        return fields;
    }

    public int readByte() throws IOException {
        return in.read();
    }

    /** True when the gateway has closed the connection (read returns end of stream). */
    public boolean closedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
