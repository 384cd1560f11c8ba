package io.portcullis.api;

import io.portcullis.config.AuthLookup;
import io.portcullis.config.BackendHost;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.LoadBalanceHosts;
import io.portcullis.config.PoolMode;
import io.portcullis.config.ServerTls;
import io.portcullis.config.TargetSessionAttrs;
import io.portcullis.observe.BackendReachability;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/**
 * A database as the API shows it: everything but the password and the TLS client key, of which only their
 * presence shows, and what the
 * gateway last learned about its backend (shown here, to token holders, and not on the unauthenticated health
 * endpoint, because it names hosts, ports, users and the backend's own error text).
 */
@Schema(name = "Database")
public record DatabaseView(
        String name,
        String host,
        int port,
        String dbname,
        String user,
        @Schema(description = "whether a backend password is stored (it is never shown)")
        boolean passwordSet,
        ServerTls serverTls,
        PoolMode poolMode,
        int poolSize,
        int minPoolSize,
        int reservePoolSize,
        int maxDbConnections,
        @Schema(description = "PEM CA certificates the backend's certificate must chain to, or null")
        String serverCa,
        @Schema(description = "PEM client certificate presented to the backend, or null")
        String serverCertificate,
        @Schema(description = "whether the private key of serverCertificate is stored (it is never shown)")
        boolean serverKeySet,
        @Schema(description = "TLS server names (SNI) that route a client here whatever database name it sent")
        List<String> sniHostnames,
        @Schema(description = "every backend address (host:port), in the order listed; the first is host and port")
        List<String> hosts,
        @Schema(description = "order the hosts are tried in for each new server connection")
        LoadBalanceHosts loadBalanceHosts,
        @Schema(description = "what a new server connection must be (checked after login)")
        TargetSessionAttrs targetSessionAttrs,
        @Schema(description = "the backend user client users that are not Portcullis users are looked up as, or null")
        String authUser,
        @Schema(description = "whether authUser's password is stored (it is never shown)")
        boolean authPasswordSet,
        @Schema(description = "the user lookup run with the client's user name as $1, or null without authUser")
        String authQuery,
        @Schema(description = "the database the lookup connects to, or null for dbname")
        String authDbname,
        @Schema(description = "why the database refuses clients, or null when it is in service: a PgBouncer database "
                + "line without user= is imported this way, waiting for its backend credentials; a PUT with user and "
                + "password puts it in service")
        String disabledReason,
        @Schema(description = "the outcome of the latest backend connect and login (read-only; not covered by the ETag)")
        BackendStatus backend) {

    /** Whether the backend answered the pool's latest connect and login. */
    @Schema(name = "BackendStatus")
    public record BackendStatus(
            @Schema(enumeration = {"up", "down", "unknown"},
                    description = "unknown: no connection attempted since the database was defined or changed")
            String state,
            @Schema(description = "when the latest attempt ended")
            Instant since,
            @Schema(description = "why the latest attempt failed, as the backend or the network said it")
            String detail) {

        static BackendStatus of(BackendReachability.State state) {
            if (state == null) {
                return new BackendStatus("unknown", null, null);
            }
            return state.reachable() ? new BackendStatus("up", state.at(), null)
                    : new BackendStatus("down", state.at(), state.detail());
        }
    }

    static DatabaseView of(DatabaseConfig db, BackendReachability backends) {
        AuthLookup lookup = db.authLookup();
        return new DatabaseView(db.name(), db.host(), db.port(), db.dbname(), db.user(), db.hasPassword(),
                db.serverTls(), db.poolMode(), db.poolSize(), db.minPoolSize(), db.reservePoolSize(),
                db.maxDbConnections(), db.serverCa(), db.serverCertificate(), db.hasServerKey(), db.sniHostnames(),
                db.backendHosts().stream().map(BackendHost::toString).toList(), db.loadBalanceHosts(),
                db.targetSessionAttrs(), lookup == null ? null : lookup.user(), lookup != null && lookup.hasPassword(),
                lookup == null ? null : lookup.query(), lookup == null ? null : lookup.dbname(), db.disabledReason(), BackendStatus.of(backends.of(db.name())));
    }
}
