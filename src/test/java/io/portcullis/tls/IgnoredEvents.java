package io.portcullis.tls;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;

import java.lang.annotation.Annotation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An event nobody observes, for {@link TlsAdministration} built outside CDI: in the application the
 * certificate-changed event goes to the HTTP side; in these tests nothing listens.
 */
final class IgnoredEvents<T> implements Event<T> {
    public void fire(T event) {
    }

    public <U extends T> CompletionStage<U> fireAsync(U event) {
        return CompletableFuture.completedFuture(event);
    }

    public <U extends T> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
        return CompletableFuture.completedFuture(event);
    }

    public Event<T> select(Annotation... qualifiers) {
        return this;
    }

    public <U extends T> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
        return new IgnoredEvents<>();
    }

    public <U extends T> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
        return new IgnoredEvents<>();
    }
}
