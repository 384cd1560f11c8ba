package io.portcullis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on a loopback port that makes the network bad on purpose: every chunk read is held
 * for a delay before it is passed on, and/or written on in pieces of 1 to {@code maxPiece} bytes,
 * each flushed on its own (Nagle off, so each piece is its own segment). Order and content are
 * preserved, so whatever runs through it must give the same answers as over a good link.
 * {@link #freeze()} simulates a silent partition: connections stay open, nothing gets through.
 *
 * <p>One platform thread per direction per connection: this is test code for a handful of
 * connections. {@link #close()} ends every connection.
 */
public final class SlowLink implements AutoCloseable {

    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int TARGET_CONNECT_MILLIS = 5_000;
    private static final long FROZEN_POLL_MILLIS = 10;

    private final String targetHost;
    private final int targetPort;
    private final Duration delay;
    private final int maxPiece;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong piecesRelayed = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean frozen;

    private SlowLink(String targetHost, int targetPort, Duration delay, int maxPiece) throws IOException {
        if (maxPiece < 1) {
            throw new IllegalArgumentException("maxPiece must be at least 1");
        }
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.delay = delay;
        this.maxPiece = maxPiece;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "slow-link-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a relay to {@code host:port}.
     *
     * @param delay    how long each chunk read from either side waits before it is passed on (zero: none)
     * @param maxPiece largest piece a chunk is written on in ({@link Integer#MAX_VALUE}: whole chunks)
     */
    public static SlowLink start(String host, int port, Duration delay, int maxPiece) {
        try {
            return new SlowLink(host, port, delay, maxPiece);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a relay port", e);
        }
    }

    /** The loopback port clients connect to instead of the target. */
    public int port() {
        return server.getLocalPort();
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    /** How many separately flushed pieces went through so far (proof that splitting happened). */
    public long piecesRelayed() {
        return piecesRelayed.get();
    }

    /** How many connections clients opened to the relay so far (each one is one attempt at the target). */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /**
     * Stops passing anything on, both ways, on every connection, while keeping all of them open: a
     * network partition that neither side is told about. New connections are accepted but held too.
     */
    public void freeze() {
        frozen = true;
    }

    /** Ends {@link #freeze()}: what was held is passed on. */
    public void thaw() {
        frozen = false;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                Socket target = new Socket();
                try {
                    target.connect(new InetSocketAddress(targetHost, targetPort), TARGET_CONNECT_MILLIS);
                } catch (IOException e) {
                    closeQuietly(client); // the client sees the target's refusal as a closed connection
                    closeQuietly(target);
                    continue;
                }
                for (Socket s : new Socket[] {client, target}) {
                    s.setTcpNoDelay(true);
                    sockets.add(s);
                }
                pump(client, target, "up");
                pump(target, client, "down");
            } catch (IOException e) {
                return; // the link was closed
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            Random random = new Random();
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (!delay.isZero()) {
                        Thread.sleep(delay.toMillis());
                    }
                    while (frozen && !closed) {
                        Thread.sleep(FROZEN_POLL_MILLIS);
                    }
                    for (int offset = 0; offset < n; ) {
                        int piece = Math.min(n - offset, maxPiece == Integer.MAX_VALUE ? n : 1 + random.nextInt(maxPiece));
                        out.write(buffer, offset, piece);
                        out.flush();
                        piecesRelayed.incrementAndGet();
                        offset += piece;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the other side closed or the link was closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "slow-link-" + direction + "-" + from.getPort());
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        sockets.forEach(SlowLink::closeQuietly);
    }
}
