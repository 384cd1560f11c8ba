package io.portcullis.admin;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One database's pool as {@code SHOW POOLS} shows it (PgBouncer's columns; Portcullis has one pool per
 * database, logged in to the backend as the database's user).
 *
 * @param clActive       client sessions holding a server connection or idle between transactions
 * @param clWaiting      client sessions waiting for a server connection
 * @param svUsed         returned server connections whose hand-over (closing statements) is running
 * @param maxWaitSeconds how long the longest-waiting client has waited
 */
@Schema(name = "Pool", description = "A database's pool, as the admin console's SHOW POOLS shows it")
public record PoolReport(
        String database,
        @Schema(description = "backend user the pool logs in as") String user,
        @Schema(description = "session, transaction or statement") String poolMode,
        int poolSize,
        @Schema(description = "client sessions holding a server connection or idle between transactions") int clActive,
        @Schema(description = "client sessions waiting for a server connection") int clWaiting,
        @Schema(description = "server connections lent to a client") int svActive,
        @Schema(description = "server connections ready to be lent") int svIdle,
        @Schema(description = "server connections returned and being reset") int svUsed,
        @Schema(description = "server connections connecting or logging in") int svLogin,
        @Schema(description = "how long the longest-waiting client has waited, in seconds") double maxWaitSeconds,
        @Schema(description = "PAUSE (or KILL) in force: nobody gets a server connection until RESUME") boolean paused,
        @Schema(description = "DISABLE in force: new client logins are refused") boolean disabled) {
}
