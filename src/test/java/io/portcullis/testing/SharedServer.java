package io.portcullis.testing;

import java.util.function.Supplier;

/**
 * One lazily started server, shared JVM-wide and stopped by a shutdown hook.
 *
 * <p>The start runs at most once: a failure is remembered and every later caller gets an exception
 * carrying the original cause, rather than a second slow failing start per test class (or, with a class
 * initializer, a cause-less {@code NoClassDefFoundError}).
 */
final class SharedServer<T extends AutoCloseable> {

    private final String name;
    private final Supplier<T> starter;
    private T server;
    private RuntimeException failure;

    SharedServer(String name, Supplier<T> starter) {
        this.name = name;
        this.starter = starter;
    }

    synchronized T get() {
        if (server != null) {
            return server;
        }
        if (failure != null) {
            throw new IllegalStateException("shared test backend '" + name + "' failed to start earlier", failure);
        }
        try {
            server = starter.get();
        } catch (RuntimeException | Error e) {
            failure = e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "stop-test-backend-" + name));
        return server;
    }

    private synchronized void stop() {
        try {
            server.close();
        } catch (Exception e) {
            System.err.println("cannot stop test backend " + server + ": " + e);
        }
    }
}
