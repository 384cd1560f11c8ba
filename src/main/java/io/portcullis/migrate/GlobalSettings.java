package io.portcullis.migrate;

import io.portcullis.config.ConfigValidator;
import io.portcullis.config.PoolMode;
import io.portcullis.config.SettingsConfig;

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
 * {@code auth_type}, {@code auth_file}, {@code admin_users}, the per-user limits' defaults, the
 * backend TLS settings, the settings that become {@code /api/v1/settings} overrides and the client
 * TLS settings. Every other key is reported with what to do instead.
 *
 * @param pool                     defaults for every database
 * @param authType                 {@code auth_type}, lower case ({@code md5} when not set, as in PgBouncer)
 * @param authTypeEntry            the line {@code auth_type} came from, or null
 * @param authFile                 the {@code auth_file} line, or null
 * @param adminUsers               {@code admin_users}
 * @param adminUsersEntry          the line {@code admin_users} came from, or null
 * @param maxUserConnections       {@code max_user_connections}: every server user's cap unless {@code [users]} sets its own
 * @param maxUserClientConnections {@code max_user_client_connections}: every client user's cap unless {@code [users]} sets its own
 * @param serverTls                TLS towards backends for every database (mode, CA, client certificate)
 * @param settings                 the {@code /api/v1/settings} overrides this section gives
 * @param reservePoolOff           {@code reserve_pool_timeout = 0}: PgBouncer lends no reserve connections
 * @param tls                      the client TLS report
 * @param authLookup               {@code auth_user}, {@code auth_query} and {@code auth_dbname} of this section (the
 *                                 defaults of every database), each null when not set
 */
record GlobalSettings(PoolDefaults pool, String authType, IniEntry authTypeEntry, IniEntry authFile,
                      Set<String> adminUsers, IniEntry adminUsersEntry, Limit maxUserConnections,
                      Limit maxUserClientConnections, ServerTlsSettings serverTls, SettingsConfig settings,
                      boolean reservePoolOff, TlsSettingsReport tls, AuthLookupLines authLookup) {

    /** The lines that set how databases look users up in the backend; any may be null. */
    record AuthLookupLines(IniEntry user, IniEntry query, IniEntry dbname) {
        static final AuthLookupLines NONE = new AuthLookupLines(null, null, null);
    }

    static final String SECTION = "pgbouncer";
    static final String DEFAULT_AUTH_TYPE = "md5";

    /**
     * A global limit and the line it came from.
     *
     * @param value 0 = no limit
     * @param entry the line, or null when the key is not set
     */
    record Limit(int value, IniEntry entry) {
        static final Limit NONE = new Limit(0, null);
    }

    /** Keys with a Portcullis startup setting of the same meaning: the reason says which. */
    private static final Map<String, String> STARTUP_SETTINGS = Map.of(
            "listen_port", "portcullis.listen.port=%s (env PORTCULLIS_LISTEN_PORT)");

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
        IniEntry authTypeEntry = null;
        IniEntry authFile = null;
        Set<String> admins = Set.of();
        IniEntry adminsEntry = null;
        Limit maxUserConnections = Limit.NONE;
        Limit maxUserClientConnections = Limit.NONE;
        ServerTlsSettings serverTls = new ServerTlsSettings(files, findings);
        IniEntry authUser = null;
        IniEntry authQuery = null;
        IniEntry authDbname = null;
        SettingsOverrides settings = new SettingsOverrides(findings);
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
                case "max_user_connections" -> maxUserConnections = new Limit(integer(e, 0,
                        ConfigValidator.MAX_DB_CONNECTIONS, 0, findings), e);
                case "max_user_client_connections" -> maxUserClientConnections = new Limit(integer(e, 0,
                        ConfigValidator.MAX_CLIENT_CONNECTIONS, 0, findings), e);
                case "auth_type" -> {
                    authType = value.toLowerCase(Locale.ROOT);
                    authTypeEntry = e;
                    String problem = AUTH_TYPES.get(authType);
                    if (problem != null) {
                        findings.unmapped(e, problem);
                    } else if (!SUPPORTED_AUTH_TYPES.contains(authType)) {
                        findings.unmapped(e, "not an auth_type PgBouncer knows; users keep their userlist.txt credentials");
                    }
                }
                case "auth_file" -> authFile = e; // its content is the userlist the caller passes in
                case "auth_user" -> authUser = e;
                case "auth_query" -> authQuery = e;
                case "auth_dbname" -> authDbname = e;
                case "admin_users" -> {
                    admins = names(value);
                    adminsEntry = e;
                }
                case "listen_addr" -> findings.unmapped(e, "a startup setting: set portcullis.listen.host="
                        + ("*".equals(value) ? "0.0.0.0" : value)
                        + (value.contains(",") ? " (Portcullis listens on one address)" : ""));
                case "stats_period" -> {
                    OptionalInt seconds = SettingValues.globalInteger(value, 1, Integer.MAX_VALUE);
                    findings.unmapped(e, seconds.isEmpty() ? "not a whole number of seconds; Portcullis's "
                            + "portcullis.admin.stats-period (a startup setting) keeps its default of 60s"
                            : "a startup setting: set portcullis.admin.stats-period=" + seconds.getAsInt() + "s");
                }
                default -> {
                    if (!settings.accept(e) && !tls.accept(e) && !serverTls.accept(e)) {
                        findings.unmapped(e, reason(e.key(), value));
                    }
                }
            }
        }
        if (pool.minPoolSize() > pool.poolSize()) {
            pool = pool.withMinPoolSize(pool.poolSize());
        }
        serverTls.resolve();
        return new GlobalSettings(pool, authType, authTypeEntry, authFile, admins, adminsEntry, maxUserConnections,
                maxUserClientConnections, serverTls, settings.settings(), settings.reservePoolOff(),
                tls.report(serverTls.mode()), new AuthLookupLines(authUser, authQuery, authDbname));
    }

    /** The {@code auth_file} line of {@code [pgbouncer]} (the last one wins, as in PgBouncer), or null. */
    static IniEntry authFile(List<IniEntry> ini) {
        IniEntry found = null;
        for (IniEntry e : ini) {
            if (SECTION.equals(e.section()) && "auth_file".equals(e.key())) {
                found = e;
            }
        }
        return found;
    }

    private static int integer(IniEntry e, int min, int max, int fallback, ImportFindings findings) {
        OptionalInt n = SettingValues.globalInteger(e.value(), min, max);
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
        m.put("auth_hba_file", "no HBA file: Portcullis authenticates every client with its user's method");
        m.put("auth_ident_file", "no ident maps: Portcullis authenticates every client with its user's method");
        m.put("stats_users", "no read-only console role: give such users a viewer API token instead");
        m.put("logfile", "no equivalent: Portcullis logs to the console (quarkus.log.* settings)");
        m.put("pidfile", "not needed: run Portcullis under a service manager or in a container");
        m.put("user", "not needed: run Portcullis as the user it should run as");
        return Map.copyOf(m);
    }
}
