package io.portcullis.admin;

import io.portcullis.proxy.ClientInfo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static io.portcullis.wire.FieldDescription.int4;
import static io.portcullis.wire.FieldDescription.text;

/**
 * {@code SHOW CLIENTS} and {@code SHOW SERVERS}: PgBouncer 1.25 lists both with the same 21 columns.
 * Where PgBouncer shows memory addresses ({@code ptr}, {@code link}), Portcullis shows
 * {@code client-<id>} and {@code server-<id>}, so a client's {@code link} names its server's
 * {@code ptr} and the other way round.
 */
final class SocketTables {

    /** PgBouncer's timestamp text; we print UTC. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MICRO = 1_000L;
    private static final String NO_REPLICATION = "none";

    private SocketTables() {
    }

    static ResultTable clients(List<ClientInfo> clients) {
        ResultTable table = socketTable();
        for (ClientInfo c : clients) {
            if (ClientInfo.LOGIN.equals(c.state())) {
                continue; // PgBouncer lists logged-in clients only
            }
            table.row("C", c.user(), c.database(), NO_REPLICATION, c.state(), c.address(), c.port(),
                    c.localAddress(), c.localPort(), time(c.connectTime()), time(c.requestTime()),
                    (int) (c.waitNanos() / NANOS_PER_SECOND), (int) (c.waitNanos() % NANOS_PER_SECOND / NANOS_PER_MICRO),
                    0, "client-" + c.id(), c.serverId() < 0 ? "" : "server-" + c.serverId(), 0, c.tls(),
                    c.applicationName(), 0, c.id());
        }
        return table;
    }

    static ResultTable servers(List<ServerReport> servers) {
        ResultTable table = socketTable();
        for (ServerReport s : servers) {
            table.row("S", s.user(), s.database(), NO_REPLICATION, s.state(), s.address(), s.port(),
                    s.localAddress(), s.localPort(), time(s.connectTime()), time(s.lastUsed()), 0, 0,
                    s.closeNeeded() ? 1 : 0, "server-" + s.id(), s.clientId() < 0 ? "" : "client-" + s.clientId(),
                    s.remotePid(), s.tls(), "", 0, (int) s.id());
        }
        return table;
    }

    private static ResultTable socketTable() {
        return new ResultTable(text("type"), text("user"), text("database"), text("replication"), text("state"),
                text("addr"), int4("port"), text("local_addr"), int4("local_port"), text("connect_time"),
                text("request_time"), int4("wait"), int4("wait_us"), int4("close_needed"), text("ptr"), text("link"),
                int4("remote_pid"), text("tls"), text("application_name"), int4("prepared_statements"), int4("id"));
    }

    private static String time(Instant instant) {
        return instant == null ? null : TIME.format(instant);
    }
}
