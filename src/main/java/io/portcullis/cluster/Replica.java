package io.portcullis.cluster;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** One replica as the registry shows it: its row of the replicas table, read with the store's clock. */
@Schema(name = "Replica", description = "A replica of the gateway sharing this configuration store")
public record Replica(
        @Schema(description = "unique among the registered replicas: portcullis.replica.name, else the host name; "
                + "suffixed with the peer id when another live replica holds the name") String name,
        @Schema(description = "small number unique among the registered replicas (1 to 16383), as PgBouncer's peer_id")
        int peerId,
        @Schema(description = "host:port where other replicas reach this one's peer listener; null while it has none")
        String address,
        @Schema(description = "the Portcullis version it runs") String version,
        @Schema(description = "the newest configuration version it has applied") long configVersion,
        Instant startedAt,
        @Schema(description = "when it last refreshed its row, by the store's clock") Instant lastHeartbeat,
        @Schema(description = "whether its readiness checks passed at its last heartbeat") boolean ready,
        @Schema(description = "false once it missed 3 heartbeats: stopped, stuck, or cut off from the store") boolean live,
        @Schema(description = "true for the replica that answered this request") boolean self) {
}
