package io.portcullis.testing;

import io.portcullis.testing.ServedCertificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Test client for the extended query protocol through the gateway, message by message, for what
 * pgJDBC never sends (reusing a statement name, a duplicate Parse). Logs in over TLS as an md5 user;
 * {@link #exchange()} sends what was queued and returns the answers up to the last ReadyForQuery as
 * short names: {@code 1 2 D(6) C E(42P05) Z}.
 */
public final class ExtendedProtocolClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream();
    private int syncs;

    private ExtendedProtocolClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(20_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    /** TLS, startup, md5 login; returns once the gateway is ready for a query. */
    public static ExtendedProtocolClient login(int port, String database, String user, String password) throws Exception {
        Socket plain = ServedCertificate.sslRequest(port);
        SSLContext ctx = ServedCertificate.trustingAnything();
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", port, true);
        tls.startHandshake();
        ExtendedProtocolClient client = new ExtendedProtocolClient(tls);
        client.startup(database, user, password);
        return client;
    }

    private void startup(String database, String user, String password) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        cstring(body, "user");
        cstring(body, user);
        cstring(body, "database");
        cstring(body, database);
        body.write(0);
        out.writeInt(8 + body.size());
        out.writeInt(196608);
        out.write(body.toByteArray());
        out.flush();
        while (true) {
            char type = (char) in.readUnsignedByte();
            byte[] message = new byte[in.readInt() - 4];
            in.readFully(message);
            if (type == 'R' && message[3] == 5) {
                String inner = md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
                byte[] salted = new byte[32 + 4];
                System.arraycopy(inner.getBytes(StandardCharsets.US_ASCII), 0, salted, 0, 32);
                System.arraycopy(message, 4, salted, 32, 4);
                ByteArrayOutputStream reply = new ByteArrayOutputStream();
                cstring(reply, "md5" + md5Hex(salted));
                frame('p', reply.toByteArray());
                flushBatch();
            } else if (type == 'E') {
                throw new IOException("login refused: " + new String(message, StandardCharsets.UTF_8));
            } else if (type == 'Z') {
                return;
            }
        }
    }

    public ExtendedProtocolClient parse(String name, String query, int... typeOids) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        cstring(body, name);
        cstring(body, query);
        short16(body, typeOids.length);
        for (int oid : typeOids) {
            int32(body, oid);
        }
        return frame('P', body.toByteArray());
    }

    /** Bind with text parameters and text results. */
    public ExtendedProtocolClient bind(String statement, String... parameters) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        cstring(body, "");
        cstring(body, statement);
        short16(body, 0);
        short16(body, parameters.length);
        for (String p : parameters) {
            byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
            int32(body, bytes.length);
            body.writeBytes(bytes);
        }
        short16(body, 0);
        return frame('B', body.toByteArray());
    }

    public ExtendedProtocolClient execute() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        cstring(body, "");
        int32(body, 0);
        return frame('E', body.toByteArray());
    }

    public ExtendedProtocolClient describeStatement(String name) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write('S');
        cstring(body, name);
        return frame('D', body.toByteArray());
    }

    public ExtendedProtocolClient close(String statement) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write('S');
        cstring(body, statement);
        return frame('C', body.toByteArray());
    }

    public ExtendedProtocolClient sync() {
        syncs++;
        return frame('S', new byte[0]);
    }

    /** Sends the queued messages and reads the answers up to one ReadyForQuery per Sync. */
    public String exchange() throws IOException {
        int expected = syncs;
        syncs = 0;
        flushBatch();
        List<String> answers = new ArrayList<>();
        while (expected > 0) {
            char type = (char) in.readUnsignedByte();
            byte[] message = new byte[in.readInt() - 4];
            in.readFully(message);
            switch (type) {
                case 'D' -> answers.add("D(" + firstColumn(message) + ")");
                case 'E' -> answers.add("E(" + field(message, 'C') + ")");
                case 'Z' -> {
                    answers.add("Z");
                    expected--;
                }
                default -> answers.add(String.valueOf(type));
            }
        }
        return String.join(" ", answers);
    }

    /** The message text of an ErrorResponse body, for failure messages. */
    private static String field(byte[] body, char code) {
        int i = 0;
        while (i < body.length && body[i] != 0) {
            char c = (char) body[i++];
            int end = i;
            while (body[end] != 0) {
                end++;
            }
            if (c == code) {
                return new String(body, i, end - i, StandardCharsets.UTF_8);
            }
            i = end + 1;
        }
        return "";
    }

    private static String firstColumn(byte[] row) {
        int length = ((row[2] & 0xFF) << 24) | ((row[3] & 0xFF) << 16) | ((row[4] & 0xFF) << 8) | (row[5] & 0xFF);
        return length < 0 ? "null" : new String(row, 6, length, StandardCharsets.UTF_8);
    }

    private ExtendedProtocolClient frame(char type, byte[] body) {
        batch.write(type);
        int32(batch, body.length + 4);
        batch.writeBytes(body);
        return this;
    }

    private void flushBatch() throws IOException {
        out.write(batch.toByteArray());
        out.flush();
        batch.reset();
    }

    private static void cstring(ByteArrayOutputStream out, String value) {
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private static void short16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    private static void int32(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    private static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[]{'X', 0, 0, 0, 4});
        out.flush();
        socket.close();
    }
}
