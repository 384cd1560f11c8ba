package io.portcullis.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every process-wide runtime setting, one {@link Setting} each, in the order the API, {@code SHOW CONFIG} and
 * {@code docs/settings.md} list them (PgBouncer's model: one table row per setting that the loader,
 * {@code SHOW CONFIG}, {@code SET} and reload all walk).
 *
 * <p><b>To add a setting</b>: one {@code define} call here, and the code that reads it
 * ({@code live.current().get(NEW_SETTING)}). The property default, the stored override, validation, the
 * {@code /api/v1/settings} field and its OpenAPI schema, {@code SHOW CONFIG}, the PgBouncer import (bare numbers
 * are seconds there) and the generated table in {@code docs/settings.md} follow from the descriptor; rebuild to
 * regenerate {@code openapi/openapi.yaml} and run {@code SettingsReferenceTest} with
 * {@code -Dsettings.write=true} to regenerate the table. Only a PgBouncer key whose values mean something else
 * in Portcullis (a {@code 0} that is not "off", one key for two settings) needs a rule of its own in
 * {@code migrate.SettingsOverrides}.
 */
public final class RuntimeSettings {

    /** Filled while the constants below are created, then frozen into {@link #ALL}. */
    private static final List<Setting<?>> DEFINED = new ArrayList<>();

    private static final long AT_LEAST_ZERO = 0;
    private static final long MORE_THAN_ZERO = 1;

    public static final Setting<Duration> QUERY_WAIT_TIMEOUT = duration("queryWaitTimeout",
            "portcullis.pool.query-wait-timeout", "120s", AT_LEAST_ZERO, "query_wait_timeout",
            "longest wait for a server connection, then 53300; 0s = no limit");
    public static final Setting<Duration> SERVER_CONNECT_TIMEOUT = duration("serverConnectTimeout",
            "portcullis.pool.server-connect-timeout", "5s", MORE_THAN_ZERO, "server_connect_timeout",
            "TCP connect to a backend (PgBouncer counts the login in it too; Portcullis times the login apart)");
    public static final Setting<Duration> SERVER_LOGIN_TIMEOUT = duration("serverLoginTimeout",
            "portcullis.pool.server-login-timeout", "10s", MORE_THAN_ZERO, null,
            "backend login after connect; a backend that accepts TCP but never answers is cut off here");
    public static final Setting<Duration> SERVER_LOGIN_RETRY = duration("serverLoginRetry",
            "portcullis.pool.server-login-retry", "0s", AT_LEAST_ZERO, "server_login_retry",
            "after a failed backend connect or login, a database's pool waits this long before it tries that backend "
                    + "again; meanwhile clients needing a new server connection get the error at once; 0s = off, every "
                    + "client tries (PgBouncer's default is 15 s)");
    public static final Setting<Duration> SERVER_IDLE_TIMEOUT = duration("serverIdleTimeout",
            "portcullis.pool.server-idle-timeout", "240s", AT_LEAST_ZERO, "server_idle_timeout",
            "idle server connections above minPoolSize close after this (below QuestDB's 300 s idle cut-off); 0s = never");
    public static final Setting<Duration> SERVER_LIFETIME = duration("serverLifetime",
            "portcullis.pool.server-lifetime", "3600s", AT_LEAST_ZERO, "server_lifetime",
            "older server connections close when they come back; 0s = never");
    public static final Setting<Duration> RESERVE_POOL_TIMEOUT = duration("reservePoolTimeout",
            "portcullis.pool.reserve-pool-timeout", "5s", AT_LEAST_ZERO, "reserve_pool_timeout",
            "wait after which a client may use the database's reserve connections");
    public static final Setting<Duration> SERVER_RESET_TIMEOUT = duration("serverResetTimeout",
            "portcullis.pool.server-reset-timeout", "10s", MORE_THAN_ZERO, null,
            "the hand-over of a returned connection (closing the previous client's statements and portals, DISCARD ALL "
                    + "after a session on PostgreSQL) must finish within this, else the connection is closed");
    public static final Setting<String> SERVER_CHECK_QUERY = define("serverCheckQuery",
            "portcullis.pool.server-check-query", Setting.Kind.TEXT, String.class, "", 0, ConfigValidator.MAX_CHECK_QUERY_LENGTH,
            "server_check_query", "run on a connection idle longer than serverCheckDelay before it is lent; "
                    + "empty = the empty query ';', which every PG-wire backend answers");
    public static final Setting<Duration> SERVER_CHECK_DELAY = duration("serverCheckDelay",
            "portcullis.pool.server-check-delay", "30s", AT_LEAST_ZERO, "server_check_delay",
            "idle time after which a connection is checked before it is lent; 0s = before every lend");
    public static final Setting<Duration> CLIENT_LOGIN_TIMEOUT = duration("clientLoginTimeout",
            "portcullis.listen.client-login-timeout", "60s", MORE_THAN_ZERO, "client_login_timeout",
            "accept to ReadyForQuery, TLS handshake included");
    public static final Setting<Duration> CLIENT_IDLE_TIMEOUT = duration("clientIdleTimeout",
            "portcullis.session.client-idle-timeout", "0s", AT_LEAST_ZERO, "client_idle_timeout",
            "a client idle between transactions longer than this is closed with 57P05; 0s = off");
    public static final Setting<Duration> IDLE_TRANSACTION_TIMEOUT = duration("idleTransactionTimeout",
            "portcullis.session.idle-transaction-timeout", "0s", AT_LEAST_ZERO, "idle_transaction_timeout",
            "a client idle inside a transaction longer than this is closed with 25P03, its server connection too; 0s = off");
    public static final Setting<Duration> QUERY_TIMEOUT = duration("queryTimeout",
            "portcullis.session.query-timeout", "0s", AT_LEAST_ZERO, "query_timeout",
            "a request running longer than this is cancelled on the backend (57014); if the backend ignores the "
                    + "cancel, the session is closed; 0s = off");
    public static final Setting<Integer> MAX_CLIENT_CONNECTIONS = integer("maxClientConnections",
            "portcullis.listen.max-client-connections", "0", 0, ConfigValidator.MAX_CLIENT_CONNECTIONS, "max_client_conn",
            "clients served at once, more get 53300 at login; 0 = no limit (PgBouncer's 0 lets no client in)");
    public static final Setting<Integer> MAX_PREPARED_STATEMENTS = integer("maxPreparedStatements",
            "portcullis.pool.max-prepared-statements", "200", 0, ConfigValidator.MAX_PREPARED_STATEMENTS, "max_prepared_statements",
            "named prepared statements each server connection keeps in transaction and statement mode, the least "
                    + "recently used beyond it closed; 0 = no mapping, names pass through and do not survive a transaction");

    /** Every setting, in declaration order. */
    public static final List<Setting<?>> ALL = List.copyOf(DEFINED);

    private static final Map<String, Setting<?>> BY_NAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Setting::name, Function.identity()));
    private static final Map<String, Setting<?>> BY_PGBOUNCER = ALL.stream().filter(s -> s.pgbouncer() != null)
            .collect(Collectors.toUnmodifiableMap(Setting::pgbouncer, Function.identity()));

    private RuntimeSettings() {
    }

    /** The setting with this {@code /api/v1/settings} name. */
    public static Optional<Setting<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The setting with this PgBouncer name ({@code query_wait_timeout}). */
    public static Optional<Setting<?>> byPgBouncerName(String key) {
        return Optional.ofNullable(BY_PGBOUNCER.get(key));
    }

    /** Every {@code /api/v1/settings} name, in order. */
    public static List<String> names() {
        return ALL.stream().map(Setting::name).toList();
    }

    private static Setting<Duration> duration(String name, String property, String defaultText, long min,
                                              String pgbouncer, String meaning) {
        return define(name, property, Setting.Kind.DURATION, Duration.class, defaultText, min, 0, pgbouncer, meaning);
    }

    private static Setting<Integer> integer(String name, String property, String defaultText, int min, int max,
                                            String pgbouncer, String meaning) {
        return define(name, property, Setting.Kind.INTEGER, Integer.class, defaultText, min, max, pgbouncer, meaning);
    }

    /** Every setting applies live: pools and sessions read it at each use. */
    private static <T> Setting<T> define(String name, String property, Setting.Kind kind, Class<T> type,
                                         String defaultText, long min, long max, String pgbouncer, String meaning) {
        Setting<T> setting = new Setting<>(DEFINED.size(), name, property, kind, type, defaultText, min, max,
                pgbouncer, true, meaning);
        DEFINED.add(setting);
        return setting;
    }
}
