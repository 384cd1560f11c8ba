package io.portcullis.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server name and ALPN protocols read from ClientHellos the JDK's TLS client writes (TLS 1.2 and 1.3 offered, with
 * and without either extension), and "none" for a hello cut anywhere.
 */
class ClientHelloFieldsTest {

    /** The body of the ClientHello a JDK client sends (record and handshake headers taken off). */
    static byte[] clientHello(String serverName, String... protocols) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("ignored", 5432);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        parameters.setApplicationProtocols(protocols);
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        assertEquals(0x16, out.get(0), "a handshake record");
        assertEquals(1, out.get(5), "a ClientHello");
        int length = ((out.get(6) & 0xff) << 16) | ((out.get(7) & 0xff) << 8) | (out.get(8) & 0xff);
        byte[] body = new byte[length];
        out.position(9);
        out.get(body);
        return body;
    }

    @Test
    void serverNameAndProtocolsAreReadInTheClientsOrder() throws Exception {
        ClientHelloFields fields = ClientHelloFields.read(Unpooled.wrappedBuffer(
                clientHello("DB.Example.com", "acme-tls/1", "postgresql")));
        assertEquals("db.example.com", fields.serverName());
        assertEquals(List.of("acme-tls/1", "postgresql"), fields.applicationProtocols());
        assertTrue(fields.offers("acme-tls/1"));
    }

    @Test
    void eitherExtensionMayBeMissing() throws Exception {
        ClientHelloFields noAlpn = ClientHelloFields.read(Unpooled.wrappedBuffer(clientHello("db.example.com")));
        assertEquals("db.example.com", noAlpn.serverName());
        assertEquals(List.of(), noAlpn.applicationProtocols());
        ClientHelloFields noSni = ClientHelloFields.read(Unpooled.wrappedBuffer(clientHello(null, "postgresql")));
        assertNull(noSni.serverName());
        assertEquals(List.of("postgresql"), noSni.applicationProtocols());
        assertEquals(ClientHelloFields.NONE, ClientHelloFields.read(null));
    }

    @Test
    void aHelloCutAnywhereOffersNothingItDoesNotHoldWhole() throws Exception {
        byte[] whole = clientHello("db.example.com", "acme-tls/1");
        for (int cut = 0; cut < whole.length; cut++) {
            ByteBuf part = Unpooled.wrappedBuffer(whole, 0, cut);
            ClientHelloFields fields = ClientHelloFields.read(part);
            assertTrue(fields.applicationProtocols().isEmpty() || fields.applicationProtocols().equals(List.of("acme-tls/1")),
                    "cut at " + cut + ": " + fields);
            assertTrue(fields.serverName() == null || fields.serverName().equals("db.example.com"), "cut at " + cut);
            assertEquals(0, part.readerIndex(), "the buffer's indexes are left alone");
        }
    }
}
