package dev.herd.testapps;

import dev.herd.api.TcpApp;
import dev.herd.api.TcpConnection;

import java.io.IOException;

/** A TCP application: refused when herd serves HTTP. */
public final class EchoTcp implements TcpApp {
    @Override
    public void serve(TcpConnection connection) throws IOException {
        connection.input().transferTo(connection.output());
    }
}
