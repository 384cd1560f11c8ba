package io.portcullis.api;

import io.portcullis.admin.PoolReport;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** What a gateway-wide pool action answers: the pool as this replica shows it, and each replica's outcome. */
@Schema(name = "PoolAction")
public record PoolActionView(
        @Schema(description = "the pool on the replica that answered") PoolReport pool,
        @Schema(description = "every live replica and whether it applied the action (stored, so a replica that starts "
                + "later applies it too)") List<ReplicaConfirmations.Applied> replicas) {
}
