package io.portcullis.peer;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** What a replica publishes when nothing names its address is never loopback while the host has another address. */
class PeerChannelAddressTest {

    @Test
    void theInterfaceFallbackIsNeverLoopbackOrLinkLocal() throws Exception {
        // This machine has at least one interface besides loopback (CI too); the fallback must pick a real one.
        String address = PeerChannel.firstInterfaceAddress().orElseThrow();
        InetAddress parsed = InetAddress.getByName(address);
        assertFalse(parsed.isLoopbackAddress(), address);
        assertFalse(parsed.isLinkLocalAddress(), address);
    }
}
