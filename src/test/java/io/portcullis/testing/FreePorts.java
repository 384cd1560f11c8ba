package io.portcullis.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out loopback TCP ports that are free right now, for test servers to bind to.
 *
 * <p>Why not simply bind to port 0: the kernel then picks from the ephemeral range, the same range it
 * uses for the local side of <em>outgoing</em> connections. Between "we found port P free" and "QuestDB
 * binds P" (seconds, while its JVM starts) a busy test (pgbench, connection churn) can take P for an
 * outgoing socket, and the server fails to start. So ports are drawn at random from below the ephemeral
 * range (read from {@code /proc/sys/net/ipv4/ip_local_port_range}) and checked by binding them; only if
 * that range is too small do we fall back to port 0.
 *
 * <p>Ports already handed out in this JVM are remembered and never handed out again, so two servers
 * started in quick succession cannot be given the same port. That set is the only JVM-wide state here,
 * deliberately: it is what makes the answer unique, and it lives in test code only.
 */
public final class FreePorts {

    /** Lowest port we pick: above the well-known and most registered service ports. */
    static final int LOWEST_PORT = 15_000;

    /** Fallback when the kernel's ephemeral range cannot be read (the Linux default lower bound). */
    static final int DEFAULT_EPHEMERAL_LOW = 32_768;

    /** The picking range must hold at least this many ports, or we fall back to port 0. */
    static final int MIN_RANGE_SIZE = 1_000;

    /** Random picks tried before giving up; each costs one bind attempt. */
    static final int MAX_ATTEMPTS = 200;

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /**
     * Returns a port on 127.0.0.1 that was free when checked and has not been returned before in this JVM.
     *
     * @throws IllegalStateException if no free port was found
     */
    public static int next() {
        int high = ephemeralLow();
        if (high - LOWEST_PORT >= MIN_RANGE_SIZE) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                int candidate = ThreadLocalRandom.current().nextInt(LOWEST_PORT, high);
                if (!HANDED_OUT.contains(candidate) && canBind(candidate) && HANDED_OUT.add(candidate)) {
                    return candidate;
                }
            }
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int candidate = bindAny();
            if (HANDED_OUT.add(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free loopback port found after " + MAX_ATTEMPTS + " attempts");
    }

    /** Lowest port of the kernel's ephemeral range, or {@value #DEFAULT_EPHEMERAL_LOW} when unreadable. */
    static int ephemeralLow() {
        // Read through a stream: Files.readString trusts the file size, which /proc reports as 0, and
        // returns only the first byte.
        try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            String[] bounds = reader.readLine().trim().split("\\s+");
            return Integer.parseInt(bounds[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(Loopback.HOST, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int bindAny() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(Loopback.HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind any loopback port", e);
        }
    }
}
