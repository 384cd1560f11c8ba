package io.portcullis.tunnel;

import io.vertx.core.Vertx;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar quarkus-run.jar tunnel --url wss://gateway.example.com/v2 [--listen 127.0.0.1:6432] [--ca-file ca.pem]
 * [--bearer-token-file token.txt]} (and the native executable's same command): runs {@link WebSocketTunnel} until
 * the process is stopped.
 */
public final class TunnelCommand {

    public static final String NAME = "tunnel";

    private TunnelCommand() {
    }

    /**
     * Runs the tunnel until the process is told to stop (SIGTERM, Ctrl-C).
     *
     * @param args the command line, with or without {@value #NAME} first
     * @return the exit status: 2 for a wrong command line, 1 when the port cannot be bound
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String[] rest = args.length > 0 && NAME.equals(args[0]) ? Arrays.copyOfRange(args, 1, args.length) : args;
        TunnelOptions options;
        try {
            options = TunnelOptions.parse(Arrays.asList(rest));
        } catch (IllegalArgumentException e) {
            err.println(NAME + ": " + e.getMessage());
            err.println(TunnelOptions.USAGE);
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        int port;
        try {
            port = new WebSocketTunnel(vertx, options).start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            err.println(NAME + ": cannot listen on " + options.listenHost() + ":" + options.listenPort() + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage());
            vertx.close();
            return 1;
        }
        out.println(NAME + ": listening on " + options.listenHost() + ":" + port + ", each connection carried to " + options.url());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(x -> null).join();
            stopped.countDown();
        }, "tunnel-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
