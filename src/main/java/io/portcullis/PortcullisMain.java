package io.portcullis;

import io.portcullis.migrate.ImportPgBouncerCommand;
import io.portcullis.tls.InMemoryKeyStores;
import io.portcullis.tls.TlsRenegotiation;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point of {@code java -jar quarkus-run.jar}. Without a command it runs the gateway, as
 * before. With {@value ImportPgBouncerCommand#NAME} as the first argument it runs that command
 * against the data directory's store and exits with the command's status. Commands must not take
 * the ports of a gateway that may be running on the same machine, so the wire listener and the HTTP
 * server are switched off for them and logs go to stderr, leaving stdout to the command's report.
 */
@QuarkusMain
public final class PortcullisMain {

    private PortcullisMain() {
    }

    public static void main(String... args) {
        // Before anything loads the JDK's TLS server code, which reads this once.
        TlsRenegotiation.refuseClientInitiated();
        InMemoryKeyStores.skipKeyDerivation();
        if (args.length > 0 && ImportPgBouncerCommand.NAME.equals(args[0])) {
            // Set before Quarkus reads its configuration; system properties outrank application.properties.
            System.setProperty("portcullis.listen.enabled", "false");
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.log.console.stderr", "true");
            System.setProperty("quarkus.banner.enabled", "false");
            Quarkus.run(ImportPgBouncerCommand.class, args);
        } else {
            Quarkus.run(args);
        }
    }
}
