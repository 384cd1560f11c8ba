package io.portcullis.admin;

import io.portcullis.cluster.Replica;

import java.util.List;

import static io.portcullis.wire.FieldDescription.int4;
import static io.portcullis.wire.FieldDescription.text;

/**
 * {@code SHOW PEERS}: PgBouncer 1.25 lists its configured peers with {@code peer_id}, {@code host}, {@code port}
 * and {@code pool_size}. Portcullis lists the live replicas of its registry, itself included: {@code peer_id} is the
 * replica's peer id, {@code host} and {@code port} its peer listener's address (NULL while it has none), and
 * {@code pool_size} the connections a replica opens to that peer at most, 0 while there is no peer channel.
 */
final class PeerTables {

    /** Connections to a peer: there is no peer channel yet. */
    static final int POOL_SIZE = 0;

    private PeerTables() {
    }

    static ResultTable peers(List<Replica> replicas) {
        ResultTable table = new ResultTable(int4("peer_id"), text("host"), int4("port"), int4("pool_size"));
        replicas.stream().filter(Replica::live).sorted((a, b) -> Integer.compare(a.peerId(), b.peerId()))
                .forEach(r -> table.row(r.peerId(), host(r.address()), port(r.address()), POOL_SIZE));
        return table;
    }

    /** The host of {@code host:port} ({@code [v6]:port} too), or null. */
    static String host(String address) {
        int colon = address == null ? -1 : address.lastIndexOf(':');
        if (colon <= 0) {
            return address;
        }
        String host = address.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port of {@code host:port}, or null. */
    static Integer port(String address) {
        int colon = address == null ? -1 : address.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            return Integer.valueOf(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
