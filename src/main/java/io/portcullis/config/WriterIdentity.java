package io.portcullis.config;

/**
 * Names the replica that wrote a stored version, for the shared store's history: the host name (the pod or
 * task name in a cluster) and the process id. Read from the environment rather than DNS, which may be slow
 * or absent in a container.
 */
final class WriterIdentity {

    private WriterIdentity() {
    }

    static String describe() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            host = System.getenv("COMPUTERNAME");
        }
        return (host == null || host.isBlank() ? "unknown-host" : host.strip()) + "/" + ProcessHandle.current().pid();
    }
}
