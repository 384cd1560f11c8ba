package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

import static io.portcullis.wire.Bytes.buf;
import static io.portcullis.wire.Bytes.of;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageReaderTest {
    @Test
    void questDbErrorFields() {
        Map<Character, String> fields = MessageReader.errorFields(buf('C' + 0, "00000", 0, 'M' + 0,
                "table does not exist [table=x]", 0, 'S' + 0, "ERROR", 0, 'P' + 0, "15", 0, 0));
        assertEquals(List.of('C', 'M', 'S', 'P'), List.copyOf(fields.keySet()));
        assertEquals("00000", MessageReader.errorSqlState(fields));
        assertEquals("table does not exist [table=x]", MessageReader.errorMessage(fields));
        assertEquals("ERROR", MessageReader.errorSeverity(fields));
        assertEquals("15", fields.get('P'));
    }

    @Test
    void errorFieldsMissingAndMalformed() {
        Map<Character, String> empty = MessageReader.errorFields(buf(0));
        assertEquals("", MessageReader.errorMessage(empty));
        assertNull(MessageReader.errorSqlState(empty));
        assertThrows(ProtocolViolation.class, () -> MessageReader.errorFields(buf('M' + 0, "x", 0)), "no terminator");
        assertThrows(ProtocolViolation.class, () -> MessageReader.errorFields(buf('M' + 0, "x")), "no NUL");
        assertThrows(ProtocolViolation.class, () -> MessageReader.errorFields(buf(0, 1)), "trailing");
        assertThrows(ProtocolViolation.class, () -> MessageReader.errorFields(buf()), "empty");
    }

    @Test
    void errorTextWithBadUtf8IsReplacedNotRejected() {
        Map<Character, String> fields = MessageReader.errorFields(buf('M' + 0, 0xFF, 'a' + 0, 0, 0));
        assertEquals("\uFFFDa", MessageReader.errorMessage(fields));
    }

    @Test
    void parameterStatus() {
        assertEquals(new ParameterStatus("server_version", "11.3"),
                MessageReader.parameterStatus(buf("server_version", 0, "11.3", 0)));
        assertThrows(ProtocolViolation.class, () -> MessageReader.parameterStatus(buf("a", 0)));
        assertThrows(ProtocolViolation.class, () -> MessageReader.parameterStatus(buf("a", 0, "b", 0, 0)));
    }

    @Test
    void backendKeyData() {
        BackendKeyData data = MessageReader.backendKeyData(buf(0, 0, 0x30, 0x39, 0xDE, 0xAD, 0xBE, 0xEF));
        assertEquals(12345, data.processId());
        assertArrayEquals(of(0xDE, 0xAD, 0xBE, 0xEF), data.secretKey().getBytes());
        assertTrue(!data.toString().contains("-"), "no key bytes in toString");
        byte[] longKey = new byte[32];
        assertEquals(32, MessageReader.backendKeyData(buf(0, 0, 0, 1, longKey)).secretKey().length());
        assertThrows(ProtocolViolation.class, () -> MessageReader.backendKeyData(buf(0, 0, 0, 1, 1, 2, 3)));
        assertThrows(ProtocolViolation.class, () -> MessageReader.backendKeyData(buf(0, 0, 0, 1, new byte[257])));
    }

    @Test
    void authentication() {
        AuthenticationRequest cleartext = MessageReader.authentication(buf(0, 0, 0, 3));
        assertEquals(MessageTypes.AUTH_CLEARTEXT_PASSWORD, cleartext.code());
        assertEquals(0, cleartext.data().length());
        AuthenticationRequest md5 = MessageReader.authentication(buf(0, 0, 0, 5, 1, 2, 3, 4));
        assertEquals(MessageTypes.AUTH_MD5_PASSWORD, md5.code());
        assertArrayEquals(of(1, 2, 3, 4), md5.data().getBytes());
        AuthenticationRequest sasl = MessageReader.authentication(buf(0, 0, 0, 10,
                "SCRAM-SHA-256-PLUS", 0, "SCRAM-SHA-256", 0, 0));
        assertEquals(MessageTypes.AUTH_SASL, sasl.code());
        assertEquals(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"), MessageReader.saslMechanisms(sasl.data()));
        assertThrows(ProtocolViolation.class, () -> MessageReader.authentication(buf(0, 0, 0)));
        assertThrows(ProtocolViolation.class, () -> MessageReader.saslMechanisms(buf("SCRAM-SHA-256", 0)));
    }

    @Test
    void saslInitialResponse() {
        SaslInitialResponse response = MessageReader.saslInitialResponse(buf("SCRAM-SHA-256", 0, 0, 0, 0, 3, "n,,"));
        assertEquals("SCRAM-SHA-256", response.mechanism());
        assertArrayEquals(of("n,,"), response.data());
        assertNull(MessageReader.saslInitialResponse(buf("SCRAM-SHA-256", 0, 0xFF, 0xFF, 0xFF, 0xFF)).data());
        assertEquals(0, MessageReader.saslInitialResponse(buf("M", 0, 0, 0, 0, 0)).data().length);
        assertThrows(ProtocolViolation.class, () -> MessageReader.saslInitialResponse(buf("M", 0, 0, 0, 0, 4, "n,,")));
        assertThrows(ProtocolViolation.class, () -> MessageReader.saslInitialResponse(buf("M", 0, 0, 0, 0, 2, "n,,")));
        assertThrows(ProtocolViolation.class, () -> MessageReader.saslInitialResponse(buf("M", 0, 0xFF, 0xFF, 0xFF, 0xFE)));
    }

    @Test
    void readyForQuery() {
        assertEquals('T', MessageReader.readyForQueryStatus(buf('T' + 0)));
        assertThrows(ProtocolViolation.class, () -> MessageReader.readyForQueryStatus(buf('Q' + 0)));
        assertThrows(ProtocolViolation.class, () -> MessageReader.readyForQueryStatus(buf()));
    }

    @Test
    void extendedQueryNames() {
        assertEquals("S_1", MessageReader.parseStatementName(buf("S_1", 0, "select 1", 0, 0, 0)));
        assertEquals("", MessageReader.parseStatementName(buf(0, "select 1", 0, 0, 0)));
        assertEquals("S_1", MessageReader.parseStatementName(buf("S_1", 0, "sel")), "truncated capture still works");
        assertThrows(ProtocolViolation.class, () -> MessageReader.parseStatementName(buf("S_1")));
        assertThrows(ProtocolViolation.class, () -> MessageReader.parseStatementName(buf(0xC3, 0x28, 0)));

        assertEquals(new BindNames("C_1", "S_1"), MessageReader.bindNames(buf("C_1", 0, "S_1", 0, 0, 0, 0, 0, 0, 0)));
        assertEquals(new BindNames("", ""), MessageReader.bindNames(buf(0, 0, 0, 0)));
        assertThrows(ProtocolViolation.class, () -> MessageReader.bindNames(buf("C_1", 0)));

        CloseTarget close = MessageReader.closeTarget(buf('S' + 0, "S_1", 0));
        assertEquals(new CloseTarget((byte) 'S', "S_1"), close);
        assertTrue(close.isStatement());
        assertTrue(MessageReader.closeTarget(buf('P' + 0, 0)).isPortal());
        assertEquals(new CloseTarget((byte) 'P', "C_1"), MessageReader.describeTarget(buf('P' + 0, "C_1", 0)));
        assertThrows(ProtocolViolation.class, () -> MessageReader.closeTarget(buf('Q' + 0, "x", 0)));
        assertThrows(ProtocolViolation.class, () -> MessageReader.closeTarget(buf()));
    }

    /**
     * A parser fed bytes a peer chose either returns a value or refuses them with {@link ProtocolViolation}, which
     * the session turns into {@code 08P01}; any other exception would escape as an internal error. Random bodies,
     * rich in NULs and tiny lengths, must reach both outcomes of every parser (else the corpus proves nothing about
     * it), must never raise anything else, and must leave the buffer they were given unchanged.
     */
    @Test
    void randomBodiesOnlyEverRaiseProtocolViolation() {
        Map<String, Function<Buffer, Object>> parsers = new LinkedHashMap<>();
        parsers.put("errorFields", MessageReader::errorFields);
        parsers.put("parameterStatus", MessageReader::parameterStatus);
        parsers.put("backendKeyData", MessageReader::backendKeyData);
        parsers.put("authentication", MessageReader::authentication);
        parsers.put("saslMechanisms", MessageReader::saslMechanisms);
        parsers.put("saslInitialResponse", MessageReader::saslInitialResponse);
        parsers.put("readyForQueryStatus", MessageReader::readyForQueryStatus);
        parsers.put("parseStatementName", MessageReader::parseStatementName);
        parsers.put("bindNames", MessageReader::bindNames);
        parsers.put("closeTarget", MessageReader::closeTarget);
        Map<String, int[]> outcomes = new TreeMap<>(); // name -> {returned, refused}
        List<String> failures = new ArrayList<>();
        // Bodies with an inner length field (SASLInitialResponse) are almost never valid by chance: a quarter of
        // the rounds truncate or change one byte of a valid one instead.
        List<byte[]> seeds = List.of(buf("SCRAM-SHA-256", 0, 0, 0, 0, 3, "n,,").getBytes(),
                buf("C_1", 0, "S_1", 0, 0, 0, 0, 0, 0, 0).getBytes());
        Random random = new Random(99);
        for (int round = 0; round < 20_000; round++) {
            byte[] body;
            if (random.nextInt(4) == 0) {
                byte[] seed = seeds.get(random.nextInt(seeds.size()));
                body = Arrays.copyOf(seed, random.nextBoolean() ? random.nextInt(seed.length + 1) : seed.length);
                if (body.length > 0 && random.nextBoolean()) {
                    body[random.nextInt(body.length)] = (byte) random.nextInt(256);
                }
            } else {
                body = new byte[random.nextInt(24)];
                random.nextBytes(body);
                for (int i = 0; i < body.length; i++) {
                    if (random.nextInt(3) == 0) {
                        body[i] = (byte) random.nextInt(4); // NULs and tiny lengths are where the edges are
                    }
                }
            }
            for (Map.Entry<String, Function<Buffer, Object>> parser : parsers.entrySet()) {
                int[] counts = outcomes.computeIfAbsent(parser.getKey(), k -> new int[2]);
                Buffer input = Buffer.buffer(body.clone());
                try {
                    parser.getValue().apply(input);
                    counts[0]++;
                } catch (ProtocolViolation expected) {
                    counts[1]++;
                } catch (RuntimeException e) {
                    failures.add(parser.getKey() + " threw " + e + " on " + HexFormat.of().formatHex(body));
                }
                if (!Arrays.equals(body, input.getBytes())) {
                    failures.add(parser.getKey() + " changed its input " + HexFormat.of().formatHex(body));
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failures, the first: " + failures.subList(0, Math.min(5, failures.size())));
        outcomes.forEach((name, counts) -> {
            assertTrue(counts[0] > 0, name + " accepted no random body: " + Arrays.toString(counts));
            assertTrue(counts[1] > 0, name + " refused no random body: " + Arrays.toString(counts));
        });
    }
}
