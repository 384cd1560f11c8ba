package io.portcullis.peer;

import io.portcullis.cluster.Replica;
import io.portcullis.cluster.ReplicaRegistry;
import io.portcullis.config.SecretBox;
import io.portcullis.config.SettingNames;
import io.portcullis.log.LogText;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * This replica's end of the peer channel. With the shared store it listens on {@code portcullis.peer.port},
 * publishes {@code advertise-host:port} in the registry, and hands every genuine cancel a peer forwards to the
 * wire gateway's local handler ({@link #start}); {@link #forwardCancel} sends a cancel for another replica's
 * session to that replica. With the file store it does nothing and {@link #selfPeerId()} is 0.
 *
 * <p>The peer port is bounded like the wire port: at most {@value #MAX_CONNECTIONS} connections at once, each
 * closed after one message of {@link PeerMessages#LENGTH} bytes, after more bytes than that, or after
 * {@link #READ_TIMEOUT}; it answers nothing, so a stranger learns nothing from it. Sending never waits for more
 * than {@link #CONNECT_TIMEOUT}: a cancel to a replica that is gone is dropped and logged.
 */
@ApplicationScoped
public class PeerChannel {

    private static final Logger LOG = Logger.getLogger(PeerChannel.class);
    static final int MAX_CONNECTIONS = 64;
    static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** How long a request's handler may take before its connection is closed unanswered. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** At most one log line per this interval for cancels that could not be forwarded (they may come from anyone). */
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Inject
    Vertx vertx;
    @Inject
    PeerSettings settings;
    @Inject
    ReplicaRegistry registry;
    @Inject
    SecretBox secrets;
    @ConfigProperty(name = SettingNames.CONFIG_STORE, defaultValue = SettingNames.STORE_FILE)
    String storeKind;

    private final ReplayGuard replays = new ReplayGuard();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NANOS);
    private final AtomicLong droppedSinceLog = new AtomicLong();
    private volatile PeerMessages messages;
    private volatile NetServer server;
    private volatile NetClient client;
    private volatile Function<byte[], Future<byte[]>> requests;

    /** Whether this replica forwards cancels to peers and listens for theirs. */
    public boolean active() {
        return server != null;
    }

    /** The peer id this replica's new sessions carry in their process ids; 0 without peers. */
    public int selfPeerId() {
        return active() ? Math.max(0, registry.self().peerId()) : 0;
    }

    /**
     * Starts the listener when the shared store is in use, handing each genuine cancel to {@code localCancel}.
     * Blocking (waits for the bind); called once by the wire gateway as it starts.
     *
     * @throws IllegalStateException when the peer port cannot be bound
     */
    public void start(Consumer<PeerMessages.Cancel> localCancel) {
        if (!SettingNames.STORE_POSTGRESQL.equals(storeKind.strip().toLowerCase(Locale.ROOT))) {
            LOG.debug("No peer listener: the file store has no other replicas");
            return;
        }
        if (!settings.enabled()) {
            LOG.info("Peer listener off (portcullis.peer.enabled=false): a cancel request that reaches another "
                    + "replica than its session's does nothing");
            return;
        }
        messages = new PeerMessages(secrets.deriveKey(PeerMessages.KEY_PURPOSE), new SecureRandom(), Clock.systemUTC());
        client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT.toMillis())
                .setTcpNoDelay(true));
        NetServer listening = vertx.createNetServer(new NetServerOptions().setHost(settings.host()).setPort(settings.port())
                        .setTcpNoDelay(true).setReuseAddress(true))
                .connectHandler(socket -> accept(socket, localCancel));
        try {
            listening.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen for peers on " + settings.host() + ":" + settings.port()
                    + " (portcullis.peer.port): " + e.getMessage(), e);
        }
        server = listening;
        String address = HostAndPort.format(advertisedHost(), listening.actualPort());
        registry.publishAddress(address);
        int peerId = registry.self().peerId();
        // The registry registers on its own thread: until the store hands out this replica's peer id, new sessions
        // carry none, and a cancel for them is found only by the replica they are on.
        LOG.infof("Peer listener on %s:%d, published as %s (%s)", settings.host(), listening.actualPort(), address,
                peerId > 0 ? "peer id " + peerId : "peer id not assigned yet");
    }

    /**
     * Sends a cancel for a session another replica owns to that replica; without a live replica of that peer id
     * with an address, or when it cannot be reached, the cancel is dropped (and logged, at most every 10 s).
     * Never blocks.
     */
    public void forwardCancel(int processId, int secret) {
        int owner = CancelKeys.peerOf(processId);
        Optional<Replica> target = registry.replicas().stream()
                .filter(r -> r.peerId() == owner && r.live() && !r.self() && r.address() != null).findFirst();
        if (target.isEmpty()) {
            dropped("no live replica with peer id " + owner + " is registered");
            return;
        }
        Replica replica = target.get();
        HostAndPort address;
        try {
            address = HostAndPort.parse(replica.address());
        } catch (IllegalArgumentException e) {
            dropped("replica " + LogText.quote(replica.name()) + " published an unusable address");
            return;
        }
        byte[] message = messages.cancel(processId, secret);
        client.connect(address.port(), address.host())
                .onSuccess(socket -> socket.end(Buffer.buffer(message)))
                .onFailure(e -> dropped("replica " + LogText.quote(replica.name()) + " (peer id " + owner + ") at "
                        + LogText.escape(replica.address()) + " cannot be reached: " + LogText.escape(String.valueOf(e.getMessage()))));
    }

    /**
     * Sends {@code body} to {@code replica} as a sealed request and completes with its sealed answer's body, or fails
     * (unreachable, no answer within {@code timeout}, an answer that is not genuine). Never blocks.
     */
    public Future<byte[]> request(Replica replica, byte[] body, Duration timeout) {
        PeerMessages sealer = messages;
        if (sealer == null || replica.address() == null) {
            return Future.failedFuture("replica " + replica.name() + " has no peer listener");
        }
        HostAndPort target;
        try {
            target = HostAndPort.parse(replica.address());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture("replica " + replica.name() + " published an unusable address");
        }
        byte[] request = sealer.request(body);
        byte[] nonce = PeerMessages.nonceOf(request);
        Promise<byte[]> answer = Promise.promise();
        long timer = vertx.setTimer(timeout.toMillis(), t -> answer.tryFail("replica " + replica.name()
                + " did not answer within " + timeout.toMillis() + " ms"));
        client.connect(target.port(), target.host()).onFailure(e -> answer.tryFail("replica " + replica.name()
                + " cannot be reached: " + e.getMessage())).onSuccess(socket -> {
            answer.future().onComplete(done -> socket.close());
            Buffer received = Buffer.buffer();
            socket.handler(chunk -> {
                received.appendBuffer(chunk);
                int length = received.length() < PeerMessages.HEADER ? 0 : PeerMessages.lengthOf(
                        received.getBytes(0, PeerMessages.HEADER), PeerMessages.RESPONSE, PeerMessages.MAX_RESPONSE_BODY);
                if (length < 0 || (length > 0 && received.length() > length)) {
                    answer.tryFail("replica " + replica.name() + " answered something that is not a response");
                } else if (length > 0 && received.length() == length) {
                    sealer.openResponse(received.getBytes(), nonce).ifPresentOrElse(answer::tryComplete,
                            () -> answer.tryFail("replica " + replica.name() + " answered something that is not genuine"));
                }
            });
            socket.closeHandler(v -> answer.tryFail("replica " + replica.name() + " closed the connection without an answer"));
            socket.write(Buffer.buffer(request));
        });
        return answer.future().onComplete(done -> vertx.cancelTimer(timer));
    }

    /** Where requests from peers go (the API's gateway-wide runtime calls); without one, requests are not answered. */
    public void onRequest(Function<byte[], Future<byte[]>> handler) {
        requests = handler;
    }

    private void accept(NetSocket socket, Consumer<PeerMessages.Cancel> localCancel) {
        if (open.incrementAndGet() > MAX_CONNECTIONS) {
            open.decrementAndGet();
            socket.close();
            return;
        }
        Buffer received = Buffer.buffer(PeerMessages.CANCEL_LENGTH);
        long timer = vertx.setTimer(READ_TIMEOUT.toMillis(), t -> socket.close());
        socket.closeHandler(v -> {
            open.decrementAndGet();
            vertx.cancelTimer(timer);
        });
        socket.exceptionHandler(e -> socket.close());
        int[] expected = {0};
        socket.handler(chunk -> {
            if (expected[0] < 0) {
                return; // a request being answered: nothing more is read
            }
            received.appendBuffer(chunk);
            if (expected[0] == 0 && received.length() >= PeerMessages.HEADER) {
                byte[] header = received.getBytes(0, PeerMessages.HEADER);
                byte type = PeerMessages.typeOf(header);
                expected[0] = type == PeerMessages.CANCEL ? PeerMessages.CANCEL_LENGTH
                        : type == PeerMessages.REQUEST ? PeerMessages.lengthOf(header, type, PeerMessages.MAX_REQUEST_BODY) : -1;
                if (expected[0] < 0) {
                    socket.close();
                    return;
                }
            }
            if (expected[0] > 0 && received.length() > expected[0]) {
                socket.close();
            } else if (expected[0] > 0 && received.length() == expected[0]) {
                byte[] message = received.getBytes();
                if (message.length == PeerMessages.CANCEL_LENGTH && PeerMessages.typeOf(message) == PeerMessages.CANCEL) {
                    socket.close();
                    messages.openCancel(message, replays).ifPresentOrElse(localCancel,
                            () -> LOG.debugf("peer %s sent a cancel that is not genuine, fresh and new; ignored",
                                    socket.remoteAddress()));
                } else {
                    expected[0] = -1;
                    vertx.cancelTimer(timer);
                    answer(socket, message);
                }
            }
        });
    }

    /** Answers one request on its connection, then closes it; anything not genuine, fresh and new gets nothing. */
    private void answer(NetSocket socket, byte[] message) {
        Function<byte[], Future<byte[]>> handler = requests;
        Optional<PeerMessages.Request> request = messages.openRequest(message, replays);
        if (handler == null || request.isEmpty()) {
            LOG.debugf("peer %s sent a request that is not genuine, fresh and new (or none is served); ignored",
                    socket.remoteAddress());
            socket.close();
            return;
        }
        long limit = vertx.setTimer(REQUEST_TIMEOUT.toMillis(), t -> socket.close());
        handler.apply(request.get().body()).onComplete(result -> {
            vertx.cancelTimer(limit);
            if (result.succeeded()) {
                socket.end(Buffer.buffer(messages.response(result.result(), request.get().nonce())));
            } else {
                LOG.debugf("a peer request failed here: %s", LogText.escape(String.valueOf(result.cause().getMessage())));
                socket.close();
            }
        });
    }

    private void dropped(String why) {
        long count = droppedSinceLog.incrementAndGet();
        long last = lastDropLog.get();
        long now = System.nanoTime();
        if (now - last >= DROP_LOG_INTERVAL_NANOS && lastDropLog.compareAndSet(last, now)) {
            droppedSinceLog.set(0);
            LOG.infof("A cancel request for a session of another replica was dropped: %s%s", why,
                    count > 1 ? " (" + (count - 1) + " more dropped since the last such line)" : "");
        }
    }

    private String advertisedHost() {
        Optional<String> configured = settings.advertiseHost().map(String::strip).filter(h -> !h.isEmpty());
        if (configured.isPresent()) {
            return configured.get();
        }
        String podIp = System.getenv("POD_IP");
        if (podIp != null && !podIp.isBlank()) {
            return podIp.strip();
        }
        try {
            InetAddress local = InetAddress.getLocalHost();
            if (!local.isLoopbackAddress()) {
                return local.getHostAddress();
            }
        } catch (Exception e) {
            // A host name that does not resolve (ECS awsvpc without the VPC's DNS host names): look at the interfaces.
        }
        Optional<String> interfaceAddress = firstInterfaceAddress();
        if (interfaceAddress.isPresent()) {
            return interfaceAddress.get();
        }
        LOG.warn("No address other than loopback found for the peer listener: replicas on other hosts cannot forward "
                + "cancels here; set portcullis.peer.advertise-host");
        return "127.0.0.1";
    }

    /** The first address of an interface that is up and not loopback, IPv4 before IPv6. */
    static Optional<String> firstInterfaceAddress() {
        try {
            return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .filter(PeerChannel::usable)
                    .flatMap(i -> i.inetAddresses())
                    .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress())
                    .sorted(java.util.Comparator.comparing(a -> a instanceof java.net.Inet6Address))
                    .map(InetAddress::getHostAddress)
                    .findFirst();
        } catch (java.net.SocketException e) {
            return Optional.empty();
        }
    }

    private static boolean usable(java.net.NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp() && !networkInterface.isLoopback();
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        NetServer listening = server;
        if (listening != null) {
            listening.close();
        }
    }
}
