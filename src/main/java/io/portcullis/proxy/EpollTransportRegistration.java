package io.portcullis.proxy;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.impl.transports.EpollTransport;

/**
 * Brings Netty's epoll transport into the native executable, where it saves CPU on every read and write of
 * the event loops as it does on the JVM (docs/performance.md). Quarkus 3.37 replaces Vert.x's built-in lookup
 * of a native transport with NIO in native images, but Vert.x first asks {@code ServiceLoader} for
 * {@code io.vertx.core.spi.transport.Transport} providers, and our {@code META-INF/services} file names
 * Vert.x's own {@link EpollTransport}. In a native image that lookup needs the services file as a resource
 * ({@code quarkus.native.resources.includes}) and the class's constructor registered for reflection: this
 * annotation. Netty's jar brings the rest (its JNI registrations and the library as a resource); the library
 * is unpacked to {@code java.io.tmpdir} at start, so a read-only container needs a writable {@code /tmp}
 * (the Dockerfile's run line mounts one). Where epoll does not load, Vert.x falls back to NIO and the
 * listener's start line says so.
 */
@RegisterForReflection(targets = EpollTransport.class)
final class EpollTransportRegistration {

    private EpollTransportRegistration() {
    }
}
