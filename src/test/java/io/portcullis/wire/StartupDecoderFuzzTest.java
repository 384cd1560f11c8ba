package io.portcullis.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

import static io.portcullis.wire.StartupDecoder.MAX_CANCEL_KEY_LENGTH;
import static io.portcullis.wire.StartupDecoder.MAX_STARTUP_PACKET_LENGTH;
import static io.portcullis.wire.StartupDecoder.MIN_CANCEL_KEY_LENGTH;
import static io.portcullis.wire.MessageTypes.PROTOCOL_OPTION_PREFIX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link StartupDecoder} with what an unauthenticated client may send first, cut into chunks
 * the way a socket might deliver them.
 *
 * <p>Invariants: only {@link ProtocolViolation} escapes; while the decoder waits for more bytes it
 * holds less than {@link StartupDecoder#MAX_STARTUP_PACKET_LENGTH} (an oversized length is refused from
 * its header, never buffered); every chunking of one stream decodes to the same requests and the same
 * verdict; decoded requests satisfy their documented guarantees.
 *
 * <p>Regression inputs: {@code src/test/resources/io/portcullis/wire/StartupDecoderFuzzTestInputs/anyChunks/}
 * (the last four bytes pick the chunking, see {@link Chunking}). Fuzz with {@code JAZZER_FUZZ=1}.
 */
class StartupDecoderFuzzTest {

    /** What the gateway gets out of one stream: the requests in order and whether it ended in a violation. */
    private record Outcome(List<StartupRequest> requests, boolean violation) {
    }

    @FuzzTest
    void anyChunks(FuzzedDataProvider data) {
        int seed = data.consumeInt();
        byte[] stream = data.consumeRemainingAsBytes();
        Outcome whole = decode(List.of(Buffer.buffer(stream)));
        Outcome chunked = decode(Chunking.cut(stream, seed));
        assertEquals(whole, chunked, "the chunking of the stream changed what was decoded");
    }

    /** Decodes as {@code ClientSession} does: every whole request, until the end, a violation or direct TLS. */
    private static Outcome decode(List<Buffer> chunks) {
        StartupDecoder decoder = new StartupDecoder();
        List<StartupRequest> requests = new ArrayList<>();
        try {
            for (Buffer chunk : chunks) {
                for (StartupRequest request = decoder.offer(chunk); request != null; request = decoder.poll()) {
                    check(request);
                    requests.add(request);
                    if (request instanceof StartupRequest.DirectTls) {
                        // The rest of the stream belongs to the TLS engine.
                        return new Outcome(requests, false);
                    }
                }
                assertTrue(decoder.buffered() < MAX_STARTUP_PACKET_LENGTH,
                        "waiting for the rest of a packet with " + decoder.buffered() + " bytes buffered");
            }
        } catch (ProtocolViolation e) {
            assertNotNull(e.getMessage());
            assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState());
            return new Outcome(requests, true);
        }
        return new Outcome(requests, false);
    }

    private static void check(StartupRequest request) {
        if (request instanceof StartupRequest.StartupMessage message) {
            assertEquals(MessageTypes.PROTOCOL_MAJOR, message.majorVersion());
            assertFalse(message.user().isEmpty(), "a StartupMessage always names a user");
            assertFalse(message.database().isEmpty());
            message.parameters().keySet().forEach(name -> assertFalse(name.startsWith(PROTOCOL_OPTION_PREFIX)));
            message.protocolOptions().forEach(name -> assertTrue(name.startsWith(PROTOCOL_OPTION_PREFIX)));
        } else if (request instanceof StartupRequest.CancelRequest cancel) {
            int keyLength = cancel.secretKey().length();
            assertTrue(keyLength >= MIN_CANCEL_KEY_LENGTH && keyLength <= MAX_CANCEL_KEY_LENGTH, "cancel key of " + keyLength);
        }
    }
}
