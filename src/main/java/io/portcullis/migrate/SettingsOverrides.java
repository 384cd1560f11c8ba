package io.portcullis.migrate;

import io.portcullis.config.ConfigValidator;
import io.portcullis.config.RuntimeSettings;
import io.portcullis.config.Setting;
import io.portcullis.config.SettingDurations;
import io.portcullis.config.SettingsConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static io.portcullis.config.RuntimeSettings.CLIENT_LOGIN_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.MAX_CLIENT_CONNECTIONS;
import static io.portcullis.config.RuntimeSettings.RESERVE_POOL_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.SERVER_CHECK_QUERY;
import static io.portcullis.config.RuntimeSettings.SERVER_CONNECT_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.SERVER_LIFETIME;
import static io.portcullis.config.RuntimeSettings.SERVER_LOGIN_TIMEOUT;

/**
 * PgBouncer's process-wide timeouts and limits that Portcullis has as {@code /api/v1/settings}
 * fields: an import stores them as overrides. A key is found by the {@link Setting#pgbouncer()} name of the
 * {@link RuntimeSettings} descriptors and read as the descriptor's kind, with PgBouncer's meaning: times are
 * seconds ({@code 30}, {@code 0.5}), integers as PgBouncer reads them; a value outside the setting's bounds is
 * reported, not stored. The few settings whose values (mostly 0) mean something else in Portcullis, or that map
 * to more than one setting, have their own rule below. One per import; {@link #accept} returns false for keys it
 * does not own.
 */
final class SettingsOverrides {

    private final ImportFindings findings;
    private SettingsConfig settings = SettingsConfig.UNSET;
    private boolean reservePoolOff;

    SettingsOverrides(ImportFindings findings) {
        this.findings = findings;
    }

    boolean accept(IniEntry e) {
        switch (e.key()) {
            case "server_lifetime" -> set(SERVER_LIFETIME, positiveSeconds(e, "PgBouncer closes every server connection "
                    + "after one use when server_lifetime is 0; Portcullis has no such mode (its 0 means never)"));
            case "client_login_timeout" -> set(CLIENT_LOGIN_TIMEOUT, positiveSeconds(e, "0 switches PgBouncer's login "
                    + "limit off; Portcullis always limits logins (clientLoginTimeout must be more than 0)"));
            case "server_connect_timeout" -> serverConnect(e);
            case "reserve_pool_timeout" -> reserve(e);
            case "server_check_query" -> serverCheckQuery(e);
            case "max_client_conn" -> maxClientConnections(e);
            default -> {
                Optional<Setting<?>> setting = RuntimeSettings.byPgBouncerName(e.key());
                if (setting.isEmpty()) {
                    return false;
                }
                read(setting.get(), e);
            }
        }
        return true;
    }

    /** The overrides read, or {@link SettingsConfig#UNSET} for none. */
    SettingsConfig settings() {
        return settings;
    }

    /** {@code reserve_pool_timeout = 0}: PgBouncer never lends reserve connections, so databases get none. */
    boolean reservePoolOff() {
        return reservePoolOff;
    }

    /** {@code base} with every setting {@code imported} sets replacing its counterpart. */
    static SettingsConfig merge(SettingsConfig base, SettingsConfig imported) {
        return base.withAll(imported);
    }

    /**
     * The settings {@code s} sets, by their {@code /api/v1/settings} name, written as that API writes
     * them (durations as {@code "30s"}), in declaration order: for the import report.
     */
    static Map<String, Object> shown(SettingsConfig s) {
        return s.asJson();
    }

    /** A setting without a rule of its own: PgBouncer's value read as the descriptor's kind, within its bounds. */
    private void read(Setting<?> setting, IniEntry e) {
        Object value = switch (setting.kind()) {
            case DURATION -> seconds(e);
            case INTEGER -> integer(e, (int) setting.minimum(), (int) setting.maximum());
            case TEXT -> e.value().strip();
        };
        if (value == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        setting.check(value, "", problems);
        if (!problems.isEmpty()) {
            findings.unmapped(e, String.join("; ", problems) + " in Portcullis: not imported");
            return;
        }
        setAny(setting, value);
    }

    private <T> void set(Setting<T> setting, T value) {
        if (value != null) {
            settings = settings.with(setting, value);
        }
    }

    private <T> void setAny(Setting<T> setting, Object value) {
        set(setting, setting.type().cast(value));
    }

    private void serverConnect(IniEntry e) {
        Duration limit = positiveSeconds(e, "0 switches PgBouncer's connect limit off; Portcullis always limits the "
                + "connect and the login to a backend");
        if (limit != null) {
            set(SERVER_CONNECT_TIMEOUT, limit);
            set(SERVER_LOGIN_TIMEOUT, limit);
            findings.unmapped(e, "imported as serverConnectTimeout and serverLoginTimeout of " + text(limit)
                    + " each: PgBouncer gives the TCP connect and the backend login " + text(limit) + " together, "
                    + "Portcullis times them one after the other, so a backend may take up to twice as long");
        }
    }

    private void reserve(IniEntry e) {
        Duration wait = seconds(e);
        if (wait != null && wait.isZero()) {
            reservePoolOff = true;
            findings.unmapped(e, "0 switches PgBouncer's reserve pool off: databases are imported with reservePoolSize 0 "
                    + "(Portcullis's reservePoolTimeout 0 would lend reserve connections at once)");
        } else {
            set(RESERVE_POOL_TIMEOUT, wait);
        }
    }

    private void serverCheckQuery(IniEntry e) {
        String query = e.value().strip();
        if ("<empty>".equals(query)) {
            set(SERVER_CHECK_QUERY, ""); // the empty query, which is what Portcullis's "" sends
        } else if (query.isEmpty()) {
            findings.unmapped(e, "an empty server_check_query switches PgBouncer's server check off; Portcullis always "
                    + "checks a connection idle longer than serverCheckDelay before lending it (with the empty query "
                    + "unless serverCheckQuery is set): not imported");
        } else if (query.length() > ConfigValidator.MAX_CHECK_QUERY_LENGTH) {
            findings.unmapped(e, "longer than " + ConfigValidator.MAX_CHECK_QUERY_LENGTH
                    + " characters, the most serverCheckQuery takes: not imported");
        } else {
            set(SERVER_CHECK_QUERY, query);
        }
    }

    private void maxClientConnections(IniEntry e) {
        OptionalInt n = SettingValues.globalInteger(e.value(), 0, ConfigValidator.MAX_CLIENT_CONNECTIONS);
        if (n.isPresent() && n.getAsInt() == 0) {
            findings.unmapped(e, "0 lets no client in (but to the admin console) in PgBouncer, and means no limit in "
                    + "Portcullis: not imported");
        } else if (n.isEmpty()) {
            findings.unmapped(e, "must be " + SettingValues.range(1, ConfigValidator.MAX_CLIENT_CONNECTIONS)
                    + ": not imported");
        } else {
            set(MAX_CLIENT_CONNECTIONS, n.getAsInt());
        }
    }

    /** @return the value, or null (reported) when it does not read */
    private Duration seconds(IniEntry e) {
        Optional<Duration> d = SettingValues.seconds(e.value());
        if (d.isEmpty()) {
            findings.unmapped(e, "must be " + SettingValues.secondsRange() + ": not imported");
        }
        return d.orElse(null);
    }

    /** @return the value, or null (reported) when it does not read or is 0, which {@code zero} explains */
    private Duration positiveSeconds(IniEntry e, String zero) {
        Duration d = seconds(e);
        if (d != null && d.isZero()) {
            findings.unmapped(e, zero + ": not imported");
            return null;
        }
        return d;
    }

    private Integer integer(IniEntry e, int min, int max) {
        OptionalInt n = SettingValues.globalInteger(e.value(), min, max);
        if (n.isEmpty()) {
            findings.unmapped(e, "must be " + SettingValues.range(min, max) + ": not imported");
            return null;
        }
        return n.getAsInt();
    }

    private static String text(Duration d) {
        return d == null ? null : SettingDurations.format(d);
    }
}
