package io.portcullis.migrate;

import io.portcullis.config.ConfigValidator;
import io.portcullis.config.PoolMode;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the {@code [pgbouncer]} section says that the rest of the import needs: pool defaults,
 * {@code auth_type}, {@code admin_users}, the backend TLS settings and the client TLS settings.
 * Every other key is reported with what to do instead.
 *
 * @param pool            defaults for every database
 * @param authType        {@code auth_type}, lower case ({@code md5} when not set, as in PgBouncer)
 * @param adminUsers      {@code admin_users}
 * @param adminUsersEntry the line {@code admin_users} came from, or null
 * @param serverTls       TLS towards backends for every database (mode, CA, client certificate)
 * @param tls             the client TLS report
 */
record GlobalSettings(PoolDefaults pool, String authType, Set<String> adminUsers, IniEntry adminUsersEntry,
                      ServerTlsSettings serverTls, TlsSettingsReport tls) {

    static final String SECTION = "pgbouncer";
    private static final String DEFAULT_AUTH_TYPE = "md5";

    /**
     * Keys with a Portcullis startup setting of the same meaning: the reason says which. Values are
     * seconds in PgBouncer, durations in Portcullis.
     */
    private static final Map<String, String> STARTUP_SETTINGS = Map.of(
            "listen_port", "portcullis.listen.port=%s (env PORTCULLIS_LISTEN_PORT)",
            "query_wait_timeout", "portcullis.pool.query-wait-timeout=%ss",
            "server_connect_timeout", "portcullis.pool.server-connect-timeout=%ss",
            "server_idle_timeout", "portcullis.pool.server-idle-timeout=%ss (keep it under QuestDB's 300 s)",
            "client_login_timeout", "portcullis.listen.client-login-timeout=%ss");

    /** auth_type values with a direct equivalent: users get that method (plain passwords become SCRAM). */
    private static final Set<String> SUPPORTED_AUTH_TYPES = Set.of("md5", "scram-sha-256", "cert");

    /** auth_type values Portcullis does not have, and what users get instead. */
    private static final Map<String, String> AUTH_TYPES = Map.of(
            "trust", "Portcullis always authenticates clients: users are imported with their userlist.txt "
                    + "passwords (plain ones as SCRAM-SHA-256), and clients must now send them",
            "any", "Portcullis always authenticates clients by their own user name and password: users are "
                    + "imported with their userlist.txt passwords, and clients must now send them",
            "plain", "Portcullis never asks clients for a clear-text password: users log in with SCRAM-SHA-256 "
                    + "(md5 for md5 entries)",
            "hba", "no HBA file: users are imported with their userlist.txt passwords (plain ones as SCRAM-SHA-256)",
            "pam", "no PAM: users are imported with their userlist.txt passwords (plain ones as SCRAM-SHA-256)",
            "ldap", "no LDAP: users are imported with their userlist.txt passwords (plain ones as SCRAM-SHA-256)");

    /** Keys whose job Portcullis does differently, with the explanation. */
    private static final Map<String, String> EXPLAINED = explained();

    /** @param files reads the files server_tls_* settings name */
    static GlobalSettings read(List<IniEntry> entries, IncludeResolver files, ImportFindings findings) {
        Map<String, IniEntry> last = new LinkedHashMap<>();
        for (IniEntry e : entries) {
            IniEntry earlier = last.put(e.key(), e);
            if (earlier != null) {
                findings.unmapped(earlier, "set again on " + e.file() + " line " + e.line() + ", which wins");
            }
        }
        PoolDefaults pool = PoolDefaults.PGBOUNCER;
        String authType = DEFAULT_AUTH_TYPE;
        Set<String> admins = Set.of();
        IniEntry adminsEntry = null;
        ServerTlsSettings serverTls = new ServerTlsSettings(files, findings);
        ClientTlsSettings tls = new ClientTlsSettings(findings);
        for (IniEntry e : last.values()) {
            String value = e.value().strip();
            switch (e.key()) {
                case "pool_mode" -> {
                    PoolMode mode = SettingValues.poolMode(value);
                    if (mode == null) {
                        findings.unmapped(e, "not a pool mode (session, transaction, statement); databases use session");
                    } else {
                        pool = pool.withPoolMode(mode);
                    }
                }
                case "default_pool_size" -> pool = pool.withPoolSize(integer(e, 1, ConfigValidator.MAX_POOL_SIZE,
                        pool.poolSize(), findings));
                case "min_pool_size" -> pool = pool.withMinPoolSize(integer(e, 0, ConfigValidator.MAX_POOL_SIZE,
                        pool.minPoolSize(), findings));
                case "reserve_pool_size" -> pool = pool.withReservePoolSize(integer(e, 0, ConfigValidator.MAX_POOL_SIZE,
                        pool.reservePoolSize(), findings));
                case "max_db_connections" -> pool = pool.withMaxDbConnections(integer(e, 0,
                        ConfigValidator.MAX_DB_CONNECTIONS, pool.maxDbConnections(), findings));
                case "auth_type" -> {
                    authType = value.toLowerCase(Locale.ROOT);
                    String problem = AUTH_TYPES.get(authType);
                    if (problem != null) {
                        findings.unmapped(e, problem);
                    } else if (!SUPPORTED_AUTH_TYPES.contains(authType)) {
                        findings.unmapped(e, "not an auth_type PgBouncer knows; users keep their userlist.txt credentials");
                    }
                }
                case "auth_file" -> {
                    // The file itself is the userlist the caller passes in.
                }
                case "admin_users" -> {
                    admins = names(value);
                    adminsEntry = e;
                }
                case "listen_addr" -> findings.unmapped(e, "a startup setting: set portcullis.listen.host="
                        + ("*".equals(value) ? "0.0.0.0" : value)
                        + (value.contains(",") ? " (Portcullis listens on one address)" : ""));
                default -> {
                    if (!tls.accept(e) && !serverTls.accept(e)) {
                        findings.unmapped(e, reason(e.key(), value));
                    }
                }
            }
        }
        if (pool.minPoolSize() > pool.poolSize()) {
            pool = pool.withMinPoolSize(pool.poolSize());
        }
        serverTls.resolve();
        return new GlobalSettings(pool, authType, admins, adminsEntry, serverTls, tls.report(serverTls.mode()));
    }

    private static int integer(IniEntry e, int min, int max, int fallback, ImportFindings findings) {
        OptionalInt n = SettingValues.integer(e.value(), min, max);
        if (n.isEmpty()) {
            findings.unmapped(e, "must be " + SettingValues.range(min, max) + " in Portcullis; the default "
                    + fallback + " is used");
        }
        return n.orElse(fallback);
    }

    private static Set<String> names(String list) {
        Set<String> names = new LinkedHashSet<>();
        Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(names::add);
        return names;
    }

    private static String reason(String key, String value) {
        String startup = STARTUP_SETTINGS.get(key);
        if (startup != null) {
            return "a startup setting: set " + startup.formatted(value);
        }
        String explained = EXPLAINED.get(key);
        if (explained != null) {
            return explained;
        }
        if (key.startsWith("log_") || key.startsWith("syslog") || key.startsWith("unix_socket_")
                || key.startsWith("tcp_")) {
            return "no equivalent: Portcullis logs to the console and listens on TCP with its own socket settings";
        }
        return "no Portcullis equivalent";
    }

    private static Map<String, String> explained() {
        Map<String, String> m = new LinkedHashMap<>();
        String reset = "Portcullis resets server connections itself: it closes every named statement and portal "
                + "the previous client created (and runs DISCARD ALL on PostgreSQL; QuestDB ignores it)";
        m.put("server_reset_query", reset);
        m.put("server_reset_query_always", reset);
        String authLookup = "Portcullis does not look passwords up in the backend: every client user must be "
                + "in userlist.txt (or created through /api/v1/users)";
        m.put("auth_user", authLookup);
        m.put("auth_query", authLookup);
        m.put("auth_dbname", authLookup);
        m.put("auth_hba_file", "no HBA file: Portcullis authenticates every client with its user's method");
        m.put("auth_ident_file", "no ident maps: Portcullis authenticates every client with its user's method");
        m.put("stats_users", "no read-only console role: give such users a viewer API token instead");
        m.put("logfile", "no equivalent: Portcullis logs to the console (quarkus.log.* settings)");
        m.put("pidfile", "not needed: run Portcullis under a service manager or in a container");
        m.put("user", "not needed: run Portcullis as the user it should run as");
        m.put("max_client_conn", "no client connection cap yet; limit connections in front of Portcullis");
        return Map.copyOf(m);
    }
}
