package io.portcullis;

import io.portcullis.config.SettingNames;
import io.portcullis.migrate.CopyStoreCommand;
import io.portcullis.migrate.ImportPgBouncerCommand;
import io.portcullis.tls.InMemoryKeyStores;
import io.portcullis.tls.TlsRenegotiation;
import io.portcullis.tunnel.TunnelCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point of {@code java -jar quarkus-run.jar}. Without a command it runs the gateway, as
 * before. With {@value ImportPgBouncerCommand#NAME} as the first argument it runs that command
 * against the data directory's store, with {@value CopyStoreCommand#NAME} that one (the data directory's
 * file store into an empty PostgreSQL store), and exits with the command's status. {@value TunnelCommand#NAME} runs
 * without the application at all (plain Vert.x) until it is stopped. Commands must not take
 * the ports of a gateway that may be running on the same machine, so the wire listener and the HTTP
 * server are switched off for them and logs go to stderr, leaving stdout to the command's report.
 *
 * <p>{@value CopyStoreCommand#NAME} reads its source and writes its target itself. Its start is a gateway's start
 * on the data directory's file store (never on the PostgreSQL store, whatever {@code portcullis.config.store}
 * says): what every start does there (move the data directory's server certificate into the store, bind old sealed
 * secrets, install the configured admin token) brings {@code config.json} up to date before it is copied. A data
 * directory without a configuration gets an in-memory store instead, so the start does not create one there.
 */
@QuarkusMain
public final class PortcullisMain {

    private PortcullisMain() {
    }

    public static void main(String... args) {
        // Before anything loads the JDK's TLS server code, which reads this once.
        TlsRenegotiation.refuseClientInitiated();
        InMemoryKeyStores.skipKeyDerivation();
        String command = args.length > 0 ? args[0] : "";
        if (ImportPgBouncerCommand.NAME.equals(command)) {
            commandMode();
            Quarkus.run(ImportPgBouncerCommand.class, args);
        } else if (CopyStoreCommand.NAME.equals(command)) {
            commandMode();
            System.setProperty(SettingNames.CONFIG_STORE, SettingNames.STORE_FILE_IF_PRESENT);
            Quarkus.run(CopyStoreCommand.class, args);
        } else if (TunnelCommand.NAME.equals(command)) {
            // Plain Vert.x, no application: a tunnel on a laptop needs no data directory, key or store.
            System.exit(TunnelCommand.run(args, System.out, System.err));
        } else {
            Quarkus.run(args);
        }
    }

    /** Set before Quarkus reads its configuration; system properties outrank application.properties and the environment. */
    private static void commandMode() {
        System.setProperty("portcullis.listen.enabled", "false");
        System.setProperty("quarkus.http.host-enabled", "false");
        System.setProperty("quarkus.log.console.stderr", "true");
        System.setProperty("quarkus.banner.enabled", "false");
        // The drain's readiness delay is for load balancers in front of a gateway; a command has none.
        System.setProperty("portcullis.shutdown.delay", "0s");
    }
}
