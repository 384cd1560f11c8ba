package io.portcullis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    private static final int SAMPLE = 50;

    /** No kernel hands out ephemeral ports among the privileged ones; a smaller value is a parse error. */
    private static final int PRIVILEGED_PORTS_END = 1023;

    @Test
    void portsAreDistinctAndBindableOnLoopback() throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < SAMPLE; i++) {
            ports.add(FreePorts.next());
        }
        assertEquals(SAMPLE, ports.stream().distinct().count(), ports.toString());
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(Loopback.HOST, ports.get(0)));
        }
    }

    @Test
    void portsComeFromBelowTheEphemeralRange() {
        assumeTrue(Files.isReadable(Path.of("/proc/sys/net/ipv4/ip_local_port_range")), "Linux only");
        int ephemeralLow = FreePorts.ephemeralLow();
        assertTrue(ephemeralLow > PRIVILEGED_PORTS_END, "parsed ephemeral range start " + ephemeralLow);
        assumeTrue(ephemeralLow - FreePorts.LOWEST_PORT >= FreePorts.MIN_RANGE_SIZE, "ephemeral range too low");
        for (int i = 0; i < SAMPLE; i++) {
            int port = FreePorts.next();
            assertTrue(port >= FreePorts.LOWEST_PORT && port < ephemeralLow,
                    port + " not in [" + FreePorts.LOWEST_PORT + ", " + ephemeralLow + ")");
        }
    }
}
