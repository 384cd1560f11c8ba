package io.portcullis.peer;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Only a fresh, unaltered message sealed with the shared key is acted on, and only once. */
class PeerMessagesTest {

    private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");
    private final PeerMessages sender = messages(key(1), NOW);
    private final PeerMessages receiver = messages(key(1), NOW);

    @Test
    void aGenuineCancelOpensOnceWithItsKey() {
        ReplayGuard replays = new ReplayGuard();
        byte[] message = sender.cancel(123_456, -42);
        assertEquals(PeerMessages.CANCEL_LENGTH, message.length);
        assertEquals(PeerMessages.CANCEL, PeerMessages.typeOf(Arrays.copyOf(message, PeerMessages.HEADER)));
        Optional<PeerMessages.Cancel> opened = receiver.openCancel(message, replays);
        assertEquals(Optional.of(new PeerMessages.Cancel(123_456, -42)), opened);
        assertEquals(Optional.empty(), receiver.openCancel(message, replays), "a replay is refused");
        assertFalse(opened.orElseThrow().toString().contains("-42"), "the secret is not printed");
    }

    @Test
    void theKeyNeverTravelsInClear() {
        byte[] message = sender.cancel(0x01020304, 0x0a0b0c0d);
        byte[] secret = {0x0a, 0x0b, 0x0c, 0x0d};
        for (int i = 0; i + 4 <= message.length; i++) {
            assertFalse(Arrays.equals(Arrays.copyOfRange(message, i, i + 4), secret), "secret in clear at " + i);
        }
    }

    @Test
    void aStrangersKeyAnAlteredByteOrAnotherLengthIsRefused() {
        ReplayGuard replays = new ReplayGuard();
        byte[] fromStranger = messages(key(2), NOW).cancel(1, 2);
        assertEquals(Optional.empty(), receiver.openCancel(fromStranger, replays));
        byte[] genuine = sender.cancel(1, 2);
        for (int i = 0; i < genuine.length; i++) {
            byte[] altered = genuine.clone();
            altered[i] ^= 0x01;
            assertEquals(Optional.empty(), receiver.openCancel(altered, replays), "byte " + i + " altered");
        }
        assertEquals(Optional.empty(), receiver.openCancel(Arrays.copyOf(genuine, genuine.length - 1), replays));
        assertEquals(Optional.empty(), receiver.openCancel(Arrays.copyOf(genuine, genuine.length + 1), replays));
        assertEquals(0, replays.size(), "nothing refused took a place in the replay cache");
        assertTrue(receiver.openCancel(genuine, replays).isPresent(), "the unaltered one still opens");
    }

    @Test
    void aMessageFromTooLongAgoOrTooFarAheadIsRefused() {
        long window = ReplayGuard.WINDOW_MILLIS;
        ReplayGuard replays = new ReplayGuard();
        byte[] old = messages(key(1), NOW.minusMillis(window + 1)).cancel(1, 2);
        byte[] ahead = messages(key(1), NOW.plusMillis(window + 1)).cancel(1, 2);
        byte[] edge = messages(key(1), NOW.minusMillis(window)).cancel(1, 2);
        assertEquals(Optional.empty(), receiver.openCancel(old, replays));
        assertEquals(Optional.empty(), receiver.openCancel(ahead, replays));
        assertTrue(receiver.openCancel(edge, replays).isPresent());
    }

    @Test
    void theReplayCacheForgetsWhatCanNoLongerBeFreshAndIsBounded() {
        ReplayGuard replays = new ReplayGuard();
        long now = NOW.toEpochMilli();
        byte[] nonce = new byte[12];
        assertTrue(replays.firstSight(nonce, now, now));
        assertFalse(replays.firstSight(nonce, now, now + 1));
        // Two windows later the first message would be stale anyway: its nonce is forgotten.
        long later = now + 2 * ReplayGuard.WINDOW_MILLIS;
        assertTrue(replays.firstSight(new byte[] {1}, later, later));
        assertEquals(1, replays.size());

        for (int i = replays.size(); i < ReplayGuard.CAPACITY; i++) {
            assertTrue(replays.firstSight(java.nio.ByteBuffer.allocate(4).putInt(i + 10).array(), later, later));
        }
        assertFalse(replays.firstSight(new byte[] {2, 2}, later, later), "full, nothing expired: refused");
        long muchLater = later + 2 * ReplayGuard.WINDOW_MILLIS;
        assertTrue(replays.firstSight(new byte[] {2, 2}, muchLater, muchLater), "room again once they expire");
    }

    @Test
    void aRequestOpensOnceAndItsResponseOnlyForIt() {
        ReplayGuard replays = new ReplayGuard();
        byte[] request = sender.request("{\"op\":\"CLIENTS\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(PeerMessages.REQUEST, PeerMessages.typeOf(Arrays.copyOf(request, PeerMessages.HEADER)));
        assertEquals(request.length, PeerMessages.lengthOf(Arrays.copyOf(request, PeerMessages.HEADER),
                PeerMessages.REQUEST, PeerMessages.MAX_REQUEST_BODY));
        PeerMessages.Request opened = receiver.openRequest(request, replays).orElseThrow();
        assertEquals("{\"op\":\"CLIENTS\"}", new String(opened.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), receiver.openRequest(request, replays).map(PeerMessages.Request::body), "a replay");
        assertEquals(Optional.empty(), receiver.openCancel(request, replays), "a request is no cancel");

        byte[] response = receiver.response("[1,2]".getBytes(java.nio.charset.StandardCharsets.UTF_8), opened.nonce());
        assertEquals("[1,2]", new String(sender.openResponse(response, PeerMessages.nonceOf(request)).orElseThrow(),
                java.nio.charset.StandardCharsets.UTF_8));
        byte[] another = sender.request(new byte[] {'{', '}'});
        assertEquals(Optional.empty(), sender.openResponse(response, PeerMessages.nonceOf(another)).map(String::new),
                "an answer to one request does not pass for the answer to another");
        assertEquals(Optional.empty(), messages(key(2), NOW).openResponse(response, PeerMessages.nonceOf(request)).map(String::new),
                "nor under another key");
    }

    @Test
    void oversizedOrForeignHeadersAreRefusedBeforeAnythingIsRead() {
        byte[] request = sender.request(new byte[10]);
        byte[] header = Arrays.copyOf(request, PeerMessages.HEADER);
        java.nio.ByteBuffer.wrap(header).putInt(PeerMessages.HEADER - 4, PeerMessages.MAX_REQUEST_BODY + 17);
        assertEquals(-1, PeerMessages.lengthOf(header, PeerMessages.REQUEST, PeerMessages.MAX_REQUEST_BODY));
        assertEquals(0, PeerMessages.typeOf(header), "too long to be read at all");
        byte[] foreign = Arrays.copyOf(request, PeerMessages.HEADER);
        foreign[0] = 'X';
        assertEquals(0, PeerMessages.typeOf(foreign));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> sender.request(new byte[PeerMessages.MAX_REQUEST_BODY + 1]));
    }

    private static PeerMessages messages(byte[] key, Instant at) {
        return new PeerMessages(key, new SecureRandom(), Clock.fixed(at, ZoneOffset.UTC));
    }

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) seed);
        return key;
    }
}
