package io.portcullis.acme;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Answers ACME HTTP-01 challenges on the HTTP port: {@code GET /.well-known/acme-challenge/{token}} returns the key
 * authorization of a token of the order in progress as {@code text/plain}, and {@code 404} with an empty body for
 * anything else (an unknown token, a malformed one, a longer path): it cannot serve anything but key authorizations,
 * and says nothing about what exists. Unauthenticated, as the CA has no token: the API's permission covers only
 * {@code /api/*}, and this is a Vert.x route, not a REST resource, so the REST layer's deny-by-default is untouched.
 */
@ApplicationScoped
public class Http01Responder {

    static final String PREFIX = "/.well-known/acme-challenge/";

    @Inject
    ChallengeTokens tokens;

    void install(@Observes Router router) {
        router.route(HttpMethod.GET, PREFIX + ":token").handler(this::answer);
    }

    private void answer(RoutingContext context) {
        var answer = tokens.keyAuthorization(context.pathParam("token"));
        var response = context.response().putHeader("Cache-Control", "no-store");
        if (answer.isEmpty()) {
            response.setStatusCode(404).end();
            return;
        }
        response.putHeader("Content-Type", "text/plain; charset=us-ascii").end(answer.get());
    }
}
