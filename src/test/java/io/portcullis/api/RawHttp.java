package io.portcullis.api;

import io.portcullis.testing.ServedCertificate;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, the request line sent exactly as given: {@code /%2e%2e/api}, {@code //api},
 * {@code ;a=b} and the like reach the server untouched, which HTTP client libraries do not guarantee (they
 * normalise some spellings). One request per connection ({@code Connection: close}); the answer is read to
 * the end of the stream.
 */
final class RawHttp {

    /** Long enough for a SCRAM hash on a busy machine; a hung server fails the test instead of blocking it. */
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private RawHttp() {
    }

    /** What the server answered. Header names are lower case. */
    record Answer(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    /**
     * Sends {@code method target} with {@code headers} and, if not null, {@code body} (as JSON, with its
     * Content-Length).
     */
    static Answer send(int port, String method, String target, Map<String, String> headers, String body) throws IOException {
        return exchange(new Socket(InetAddress.getLoopbackAddress(), port), request(port, method, target, headers, body));
    }

    /** {@link #send} over TLS, with a client that trusts whatever certificate the server shows. */
    static Answer sendTls(int port, String method, String target, Map<String, String> headers, String body) throws IOException {
        return exchange(tls(port), request(port, method, target, headers, body));
    }

    /** The leaf certificate an HTTPS server on {@code port} shows a new connection. */
    static X509Certificate servedCertificate(int port) throws IOException {
        try (SSLSocket socket = tls(port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static SSLSocket tls(int port) throws IOException {
        try {
            SSLSocket socket = (SSLSocket) ServedCertificate.trustingAnything().getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            return socket;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static byte[] request(int port, String method, String target, Map<String, String> headers, String body) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        head.append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Type: application/json\r\n");
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(content);
        return request.toByteArray();
    }

    /** Sends {@code request} as it is and reads the answer. */
    static Answer exchange(int port, byte[] request) throws IOException {
        return exchange(new Socket(InetAddress.getLoopbackAddress(), port), request);
    }

    private static Answer exchange(Socket connected, byte[] request) throws IOException {
        try (Socket socket = connected) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    /**
     * Sends {@code head} and then {@code body} in pieces, stopping early if the server closes its side, and
     * reads the answer: what a client streaming a large upload sees.
     */
    static Answer stream(int port, byte[] head, Iterable<byte[]> body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            try {
                for (byte[] piece : body) {
                    out.write(piece);
                }
                out.flush();
            } catch (SocketException e) {
                // The server stopped reading and closed; its answer may already be waiting.
            }
            return read(socket.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete HTTP answer: " + text.length() + " bytes: " + text);
        }
        List<String> lines = text.substring(0, end).lines().toList();
        String[] statusLine = lines.get(0).split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        byte[] raw = text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? dechunk(raw) : raw;
        return new Answer(Integer.parseInt(statusLine[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] raw) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int lineEnd = text.indexOf("\r\n", at);
            int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            body.write(raw, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return body.toByteArray();
    }
}
