package io.portcullis.admin;

import io.portcullis.proxy.AdminConsole;
import io.portcullis.proxy.ConsoleClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin console the wire gateway opens for admins who log in to {@code portcullis.admin.database}.
 * The login greeting mirrors PgBouncer's: a {@code server_version} of the PgBouncer release whose
 * console this one reproduces, UTF8, ISO dates, GMT.
 */
@ApplicationScoped
public class Console implements AdminConsole {

    private final AdminSettings settings;
    private final ConsoleCommands commands;
    private final Map<String, String> parameters;

    @Inject
    public Console(AdminSettings settings, ConsoleCommands commands) {
        this.settings = settings;
        this.commands = commands;
        Map<String, String> greeting = new LinkedHashMap<>();
        greeting.put("server_version", InfoTables.PGBOUNCER_COMPATIBLE + "/portcullis");
        greeting.put("client_encoding", "UTF8");
        greeting.put("server_encoding", "UTF8");
        greeting.put("DateStyle", "ISO");
        greeting.put("TimeZone", "GMT");
        greeting.put("standard_conforming_strings", "on");
        greeting.put("is_superuser", "on");
        this.parameters = java.util.Collections.unmodifiableMap(greeting);
    }

    @Override
    public boolean opens(String database) {
        return settings.database().equals(database);
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public Connection open(ConsoleClient client) {
        return new ConsoleSession(client, commands);
    }
}
