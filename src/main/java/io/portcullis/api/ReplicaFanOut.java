package io.portcullis.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.admin.AdminActions;
import io.portcullis.admin.AdminException;
import io.portcullis.admin.AdminReports;
import io.portcullis.cluster.Replica;
import io.portcullis.cluster.ReplicaRegistry;
import io.portcullis.peer.PeerChannel;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The runtime API for the whole gateway: a report or an action taken on every live replica (or one, by name),
 * each answering over the peer channel for itself. A request names one of {@link Op}; the replica that receives it
 * runs it as its own API would ({@link AdminReports}, {@link AdminActions}) and answers its status and JSON. Only
 * replicas holding the shared secret key can ask (the channel is sealed); the caller's role was checked by the
 * replica the caller reached.
 *
 * <p>Blocking (waits for the peers' answers, up to {@link #ANSWER_WAIT}): worker threads only.
 */
@ApplicationScoped
public class ReplicaFanOut {

    private static final Logger LOG = Logger.getLogger(ReplicaFanOut.class);
    /** How long the answer waits for the other replicas. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(5);
    /** {@code ?replica=all}. */
    static final String ALL = "all";

    /** What a replica is asked to report or do. */
    enum Op { POOLS, CLIENTS, SERVERS, STATS, RECONNECT, KILL, PAUSE, RESUME, DISABLE, ENABLE, KILL_CLIENT }

    /** One replica's answer. */
    /**
     * @param status the HTTP status its own API would have answered; 0 when it could not be reached in time
     * @param body   its JSON answer, or null
     * @param detail why it did not act; null when it did
     */
    record Outcome(String replica, boolean self, int status, JsonNode body, String detail) {

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    @Inject
    PeerChannel peers;
    @Inject
    ReplicaRegistry registry;
    @Inject
    AdminReports reports;
    @Inject
    AdminActions actions;
    @Inject
    ObjectMapper json;
    @Inject
    Vertx vertx;

    void onStart(@Observes StartupEvent event) {
        peers.onRequest(this::answerPeer);
    }

    /**
     * Runs {@code op} on the replicas {@code replica} names ({@code null} or {@value #ALL}: every live one; else the
     * one of that name) and returns each one's outcome, this replica first when it takes part.
     *
     * @throws ApiProblem 404 when {@code replica} names no live replica; a replica's refusal is its outcome, never thrown
     */
    List<Outcome> run(Op op, String database, Integer client, String replica) {
        List<Replica> targets = targets(replica);
        List<Outcome> outcomes = new ArrayList<>();
        List<Replica> others = new ArrayList<>();
        for (Replica r : targets) {
            if (r.self()) {
                outcomes.add(0, local(r.name(), op, database, client));
            } else {
                others.add(r);
            }
        }
        List<Future<Outcome>> asked = new ArrayList<>();
        for (Replica r : others) {
            asked.add(ask(r, op, database, client));
        }
        for (int i = 0; i < asked.size(); i++) {
            outcomes.add(await(asked.get(i), others.get(i)));
        }
        return outcomes;
    }

    /** The live replicas {@code replica} names: all of them for {@code null} or {@value #ALL}, else the one of that name. */
    List<Replica> targets(String replica) {
        List<Replica> live = registry.replicas().stream().filter(r -> r.live() || r.self()).toList();
        if (replica == null || replica.isBlank() || ALL.equals(replica)) {
            return live;
        }
        return live.stream().filter(r -> r.name().equals(replica)).findFirst().map(List::of)
                .orElseThrow(() -> unknownReplica(replica));
    }

    /** The replica that owns a client session, by the peer id in its process id; empty when it is this one. */
    Optional<Replica> ownerOf(int peerId) {
        if (!peers.active() || peerId == 0 || peerId == peers.selfPeerId()) {
            return Optional.empty();
        }
        return registry.replicas().stream().filter(r -> r.peerId() == peerId && !r.self()).findFirst();
    }

    static ApiProblem unknownReplica(String name) {
        return ApiProblem.notFound("no live replica is named '" + name + "' (GET /api/v1/replicas lists them)");
    }

    private Future<Outcome> ask(Replica replica, Op op, String database, Integer client) {
        ObjectNode request = json.createObjectNode().put("op", op.name());
        if (database != null) {
            request.put("database", database);
        }
        if (client != null) {
            request.put("client", client);
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(request);
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        return peers.request(replica, body, ANSWER_WAIT).map(answer -> {
            try {
                JsonNode node = json.readTree(answer);
                return new Outcome(replica.name(), false, node.path("status").asInt(), node.get("body"),
                        node.hasNonNull("detail") ? node.get("detail").asText() : null);
            } catch (IOException e) {
                return new Outcome(replica.name(), false, 0, null, "its answer could not be read");
            }
        });
    }

    private Outcome await(Future<Outcome> answer, Replica replica) {
        try {
            return answer.toCompletionStage().toCompletableFuture().get(ANSWER_WAIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(replica.name(), false, 0, null, "interrupted while waiting for it");
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Outcome(replica.name(), false, 0, null, String.valueOf(cause.getMessage()));
        }
    }

    /** A peer's request: run here, answered as {@code {"status", "body"|"detail"}}. */
    private Future<byte[]> answerPeer(byte[] request) {
        return vertx.executeBlocking(() -> {
            JsonNode node = json.readTree(request);
            Op op;
            try {
                op = Op.valueOf(node.path("op").asText());
            } catch (IllegalArgumentException e) {
                return json.writeValueAsBytes(json.createObjectNode().put("status", 400).put("detail", "unknown operation"));
            }
            String database = node.hasNonNull("database") ? node.get("database").asText() : null;
            Integer client = node.hasNonNull("client") ? node.get("client").asInt() : null;
            Outcome outcome = local(registry.self().name(), op, database, client);
            ObjectNode answer = json.createObjectNode().put("status", outcome.status());
            if (outcome.body() != null) {
                answer.set("body", outcome.body());
            }
            if (outcome.detail() != null) {
                answer.put("detail", outcome.detail());
            }
            return json.writeValueAsBytes(answer);
        }, false);
    }

    /** Runs {@code op} here, as this replica's own API would. */
    private Outcome local(String name, Op op, String database, Integer client) {
        try {
            Object body = switch (op) {
                case POOLS -> reports.pools();
                case CLIENTS -> reports.clients();
                case SERVERS -> reports.servers();
                case STATS -> reports.stats();
                case RECONNECT -> {
                    actions.reconnect(Optional.of(database));
                    yield null;
                }
                case KILL -> {
                    int ended = actions.kill(Optional.of(database));
                    LOG.infof("killed database '%s' for the gateway-wide API (%d client session(s))", database, ended);
                    yield null;
                }
                case PAUSE -> {
                    // Started, not awaited: its completion shows in the replica's pool report.
                    actions.pause(Optional.of(database));
                    yield null;
                }
                case RESUME -> {
                    actions.resume(Optional.of(database));
                    yield null;
                }
                case DISABLE -> {
                    actions.disable(database);
                    yield null;
                }
                case ENABLE -> {
                    actions.enable(database);
                    yield null;
                }
                case KILL_CLIENT -> {
                    actions.killClient(client);
                    yield null;
                }
            };
            return new Outcome(name, true, body == null ? 204 : 200, body == null ? null : json.valueToTree(body), null);
        } catch (AdminException e) {
            int status = e.kind() == AdminException.Kind.WRONG_STATE ? 409 : 404;
            return new Outcome(name, true, status, null, e.getMessage());
        }
    }
}
