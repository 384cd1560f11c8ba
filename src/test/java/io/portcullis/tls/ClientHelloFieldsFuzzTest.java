package io.portcullis.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link ClientHelloFields#read}, which reads what any client on the wire port sends while a TLS-ALPN-01 challenge
 * waits. Invariants: nothing escapes, nothing is read beyond the buffer, the buffer's indexes stay, the server name is
 * lower case and each protocol non-empty and at most 255 bytes. Regression inputs, among them JDK ClientHellos:
 * {@code src/test/resources/io/portcullis/tls/ClientHelloFieldsFuzzTestInputs/clientHello/}.
 */
class ClientHelloFieldsFuzzTest {

    @FuzzTest
    void clientHello(byte[] input) {
        ByteBuf body = Unpooled.wrappedBuffer(input);
        ClientHelloFields fields = ClientHelloFields.read(body);
        assertEquals(0, body.readerIndex());
        assertEquals(input.length, body.writerIndex());
        if (fields.serverName() != null) {
            assertEquals(fields.serverName().toLowerCase(Locale.ROOT), fields.serverName());
        }
        for (String protocol : fields.applicationProtocols()) {
            assertTrue(!protocol.isEmpty() && protocol.length() <= 255, protocol);
        }
    }
}
