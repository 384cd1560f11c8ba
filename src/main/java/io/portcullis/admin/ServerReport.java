package io.portcullis.admin;

import io.portcullis.pool.ServerInfo;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** One server connection as {@code SHOW SERVERS} shows it, with the client session it is lent to. */
@Schema(name = "Server", description = "A server connection, as the admin console's SHOW SERVERS shows it")
public record ServerReport(
        long id,
        String database,
        @Schema(description = "backend user") String user,
        @Schema(description = "active (lent), idle, or used (returned, being reset)") String state,
        @Schema(description = "backend host") String address,
        @Schema(description = "backend port") int port,
        String localAddress,
        int localPort,
        Instant connectTime,
        @Schema(description = "when it last went back to the pool") Instant lastUsed,
        @Schema(description = "it closes when it comes back (RECONNECT, KILL, PAUSE)") boolean closeNeeded,
        @Schema(description = "the backend's process id") int remotePid,
        @Schema(description = "protocol/cipher when encrypted, else empty") String tls,
        @Schema(description = "id of the client session it is lent to, -1 for none") int clientId) {

    static ServerReport of(ServerInfo s, int clientId) {
        return new ServerReport(s.id(), s.database(), s.user(), s.state(), s.host(), s.port(), s.localAddress(),
                s.localPort(), s.connectTime(), s.lastUsed(), s.closeNeeded(), s.backendProcessId(), s.tls(), clientId);
    }
}
