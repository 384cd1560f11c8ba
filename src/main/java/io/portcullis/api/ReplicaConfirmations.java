package io.portcullis.api;

import io.portcullis.cluster.Replica;
import io.portcullis.cluster.ReplicaRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Duration;
import java.util.List;

/**
 * Which replicas have applied a stored change: after a write that every replica applies from the store (a pool
 * hold), the answer lists each live replica and whether it reported that version applied within {@link #WAIT}.
 * Blocking (reads the registry from the store): worker threads only.
 */
@ApplicationScoped
public class ReplicaConfirmations {

    /** How long an answer waits for the replicas to report a version applied. */
    static final Duration WAIT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 100;

    @Inject
    ReplicaRegistry registry;

    /** One replica's outcome. */
    @Schema(name = "ReplicaApplied", description = "whether a live replica applied the change")
    public record Applied(
            @Schema(description = "the replica's name (GET /api/v1/replicas)") String replica,
            @Schema(description = "true once it reported the configuration version of this change applied") boolean applied,
            @Schema(description = "true for the replica that answered this request") boolean self,
            @Schema(description = "why it did not (or did not confirm in time); null when it did") String detail) {

        static Applied of(ReplicaFanOut.Outcome outcome) {
            return new Applied(outcome.replica(), outcome.ok(), outcome.self(), outcome.ok() ? null : outcome.detail() == null
                    ? "answered " + outcome.status() : outcome.detail());
        }
    }

    /** Each live replica and whether it applied {@code version}, waiting up to {@link #WAIT} for all to. */
    List<Applied> await(long version) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<Replica> live = registry.refresh().stream().filter(Replica::live).toList();
            boolean all = live.stream().allMatch(r -> applied(r, version));
            if (all || System.nanoTime() - deadline > 0) {
                return live.stream().map(r -> applied(r, version) ? new Applied(r.name(), true, r.self(), null)
                        : new Applied(r.name(), false, r.self(), "not confirmed within " + WAIT.toSeconds() + " s")).toList();
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return live.stream().map(r -> new Applied(r.name(), applied(r, version), r.self(), null)).toList();
            }
        }
    }

    private boolean applied(Replica replica, long version) {
        // This replica applied it when the write returned (the change event ran on this thread).
        return replica.self() ? registry.appliedVersion() >= version : replica.configVersion() >= version;
    }
}
