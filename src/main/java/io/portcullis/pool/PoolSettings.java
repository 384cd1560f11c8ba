package io.portcullis.pool;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Process-wide pool timing, PgBouncer's names in Portcullis's spelling. These properties are the
 * defaults: values stored through {@code /api/v1/settings} override them live (see
 * {@link io.portcullis.config.GatewaySettings}); pools read them through {@link LivePoolSettings}.
 */
@ConfigMapping(prefix = "portcullis.pool")
public interface PoolSettings {

    /** How long a client waits for a server connection before it gets 53300 (PgBouncer: query_wait_timeout). */
    @WithDefault("120s")
    Duration queryWaitTimeout();

    /** TCP connect to a backend (PgBouncer: server_connect_timeout). */
    @WithDefault("5s")
    Duration serverConnectTimeout();

    /** Backend login after connect; a backend that accepts TCP but never answers is cut off here. */
    @WithDefault("10s")
    Duration serverLoginTimeout();

    /** Idle server connections are closed after this; below QuestDB's 300 s idle cut-off on purpose. */
    @WithDefault("240s")
    Duration serverIdleTimeout();

    /** A server connection older than this is closed when it comes back (PgBouncer: server_lifetime). */
    @WithDefault("3600s")
    Duration serverLifetime();

    /** A client waiting longer than this may use the database's reserve connections (PgBouncer: reserve_pool_timeout). */
    @WithDefault("5s")
    Duration reservePoolTimeout();

    /**
     * A connection idle longer than this is checked with {@link #serverCheckQuery()} before it is lent;
     * 0 = before every lend (PgBouncer: server_check_delay).
     */
    @WithDefault("30s")
    Duration serverCheckDelay();

    /** The check; unset or empty sends the empty query {@code ;}, which every PG-wire backend answers (PgBouncer: server_check_query). */
    Optional<String> serverCheckQuery();

    /**
     * Hand-over of a returned connection (closing the previous client's statements and portals, and
     * {@code DISCARD ALL} after a session on PostgreSQL) must finish within this; else the connection is closed.
     */
    @WithDefault("10s")
    Duration serverResetTimeout();

    /**
     * Named prepared statements kept per server connection in transaction and statement pooling, where
     * client statement names are mapped to the gateway's own (PgBouncer: max_prepared_statements). The
     * least recently used beyond this are closed. 0 turns the mapping off: names pass through unchanged
     * and do not survive a transaction.
     */
    @WithDefault("200")
    int maxPreparedStatements();
}
