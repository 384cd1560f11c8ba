package io.portcullis.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The runtime lists ({@code GET /pools|clients|servers|stats}) for one replica or for all: without
 * {@code ?replica=} this replica's rows, as always; with {@code ?replica=all} every live replica's, and with a
 * replica's name that one's, each row with a {@code replica} field naming where it comes from. Replicas that did not
 * answer in time are named in the {@value #UNANSWERED} header rather than failing the list.
 */
final class RuntimeRows {

    static final String UNANSWERED = "Portcullis-Replicas-Unanswered";
    static final String REPLICA_DESCRIPTION = "all: every live replica's rows; a replica's name: that one's; absent: "
            + "this replica's. With the parameter, each row has a replica field.";
    static final String REPLICA_PARAMETER = "?replica=all lists every live replica's rows, each with a replica field; "
            + "replicas that did not answer within 5 s are named in the Portcullis-Replicas-Unanswered header.";
    static final String TARGET_DESCRIPTION = "a replica's name (GET /api/v1/replicas) to act on that one alone; "
            + "absent or all: every live replica";

    private RuntimeRows() {
    }

    static Response answer(ReplicaFanOut replicas, ReplicaFanOut.Op op, String replica, Supplier<List<?>> local) {
        if (replica == null) {
            return Response.ok(local.get()).build();
        }
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        List<String> unanswered = new ArrayList<>();
        for (ReplicaFanOut.Outcome outcome : replicas.run(op, null, null, replica)) {
            if (!outcome.ok() || outcome.body() == null || !outcome.body().isArray()) {
                unanswered.add(outcome.replica());
                continue;
            }
            for (JsonNode row : outcome.body()) {
                if (!row.isObject()) {
                    continue; // every runtime row is an object; anything else is no row
                }
                ObjectNode named = JsonNodeFactory.instance.objectNode().put("replica", outcome.replica());
                named.setAll((ObjectNode) row);
                rows.add(named);
            }
        }
        Response.ResponseBuilder response = Response.ok(rows);
        if (!unanswered.isEmpty()) {
            // Names come from the environment of other replicas: only name characters reach a header.
            response.header(UNANSWERED, String.join(",", unanswered).replaceAll("[^A-Za-z0-9._,-]", "?"));
        }
        return response.build();
    }
}
