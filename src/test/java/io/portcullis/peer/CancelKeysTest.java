package io.portcullis.peer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CancelKeysTest {

    @Test
    void aProcessIdNamesItsReplicaAndStaysPositive() {
        for (int peer : new int[] {0, 1, 2, 300, CancelKeys.MAX_PEER_ID}) {
            for (int local : new int[] {1, 2, 1000, CancelKeys.MAX_LOCAL_SESSIONS}) {
                int id = CancelKeys.processId(peer, local);
                assertTrue(id > 0, "positive: " + id);
                assertEquals(peer, CancelKeys.peerOf(id), "peer of " + id);
            }
        }
        assertEquals(16383, CancelKeys.MAX_PEER_ID, "PgBouncer's peer_id range, as the registry hands them out");
    }

    @Test
    void theLocalPartWrapsAndZeroIsNoSession() {
        assertEquals(0, CancelKeys.processId(5, CancelKeys.MAX_LOCAL_SESSIONS + 1));
        assertEquals(CancelKeys.processId(5, 1), CancelKeys.processId(5, CancelKeys.MAX_LOCAL_SESSIONS + 2));
        assertEquals(CancelKeys.processId(5, 7), CancelKeys.processId(5, Integer.MIN_VALUE + 7));
    }

    @Test
    void peerIdsOutsideTheLayoutAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CancelKeys.processId(CancelKeys.MAX_PEER_ID + 1, 1));
        assertThrows(IllegalArgumentException.class, () -> CancelKeys.processId(-1, 1));
    }
}
