package io.portcullis.proxy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counting clients against the gateway-wide and per-user limits. */
class ClientLimitsTest {

    private final ClientLimits limits = new ClientLimits();

    @Test
    void theGatewayLimitRefusesTheClientBeyondItWithoutCountingIt() {
        assertTrue(limits.enterGateway(2));
        assertTrue(limits.enterGateway(2));
        assertFalse(limits.enterGateway(2));
        assertEquals(2, limits.clients());
        limits.leaveGateway();
        assertTrue(limits.enterGateway(2));
        assertTrue(limits.enterGateway(0), "0 = no limit");
        assertEquals(3, limits.clients());
    }

    @Test
    void eachUserHasItsOwnCount() {
        assertTrue(limits.enterUser("a", 1));
        assertFalse(limits.enterUser("a", 1));
        assertTrue(limits.enterUser("b", 1));
        assertTrue(limits.enterUser("a", 0), "0 = no limit, still counted");
        assertEquals(2, limits.clients("a"));
        limits.leaveUser("a");
        limits.leaveUser("a");
        assertEquals(0, limits.clients("a"));
        assertTrue(limits.enterUser("a", 1));
    }
}
