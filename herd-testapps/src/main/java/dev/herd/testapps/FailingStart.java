package dev.herd.testapps;

import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;

import java.io.IOException;

/** Its start hook fails, as an application whose database is down would. */
public final class FailingStart implements HttpApp {
    @Override
    public void start(HandlerContext context) throws IOException {
        throw new IOException("database unreachable");
    }

    @Override
    public Response handle(Request request) {
        return Response.text("unreachable");
    }
}
