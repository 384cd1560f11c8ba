package io.portcullis.proxy;

import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The client sessions as an administrator sees and ends them (admin console, REST API): list them,
 * end one or all of a database's with 57P01, or start the graceful drain. Every session ends on its
 * own event loop; the methods here only ask and return at once.
 */
@ApplicationScoped
public class SessionControl {

    private final GatewayServer server;

    @Inject
    public SessionControl(GatewayServer server) {
        this.server = server;
    }

    /** Every live session (logging in, logged in, console), by id. */
    public List<ClientInfo> clients() {
        SessionRegistry registry = server.sessionRegistry();
        if (registry == null) {
            return List.of();
        }
        Instant now = Instant.now();
        long nowNanos = System.nanoTime();
        List<ClientInfo> rows = new ArrayList<>();
        for (ClientSession session : registry.all()) {
            ClientInfo info = session.info(now, nowNanos);
            if (info != null) {
                rows.add(info);
            }
        }
        rows.sort(Comparator.comparingInt(ClientInfo::id));
        return rows;
    }

    /**
     * Ends one session with 57P01 (KILL_CLIENT).
     *
     * @return false when no session has this id
     */
    public boolean kill(int id, String why) {
        SessionRegistry registry = server.sessionRegistry();
        ClientSession session = registry == null ? null : registry.get(id);
        if (session == null) {
            return false;
        }
        session.runOnOwnContext(() -> session.endByAdministrator(why));
        return true;
    }

    /**
     * Ends every client session of a database with 57P01 (KILL); console sessions stay.
     *
     * @return how many sessions were told to end
     */
    public int killDatabase(String database, String why) {
        SessionRegistry registry = server.sessionRegistry();
        if (registry == null) {
            return 0;
        }
        int count = 0;
        for (ClientSession session : registry.all()) {
            if (session.uses(database)) {
                session.runOnOwnContext(() -> session.endByAdministrator(why));
                count++;
            }
        }
        return count;
    }

    /**
     * Starts the same graceful shutdown as SIGTERM (readiness DOWN, delay, drain, exit); returns at
     * once. See {@link Drain}.
     */
    public void shutdown() {
        Quarkus.asyncExit();
    }
}
