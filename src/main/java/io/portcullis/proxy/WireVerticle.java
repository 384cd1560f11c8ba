package io.portcullis.proxy;

import io.portcullis.net.TcpStream;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/** One listener instance on one event loop; Vert.x spreads accepted sockets across the instances. */
final class WireVerticle extends AbstractVerticle {

    private final GatewayServices services;
    private final NetServerOptions options;
    private NetServer server;

    WireVerticle(GatewayServices services, NetServerOptions options) {
        this.services = services;
        this.options = options;
    }

    @Override
    public void start(Promise<Void> started) {
        server = vertx.createNetServer(options);
        server.connectHandler(socket -> ClientSession.accept(services, new TcpStream(socket)));
        server.listen().<Void>mapEmpty().onComplete(started);
    }

    /** The context this instance was deployed on, its event loop (for EventLoopIndependenceTest, which blocks it). */
    Context deployedContext() {
        return context;
    }

    NetServer server() {
        return server;
    }
}
