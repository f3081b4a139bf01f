package dev.herd.testapps;

import dev.herd.api.HttpApp;
import dev.herd.api.Response;

/** Its constructor throws: a boot failure that names the class and the cause. */
public final class ThrowingConstructor implements HttpApp {
    public ThrowingConstructor() {
        throw new IllegalStateException("no configuration found");
    }

    @Override
    public Response handle(dev.herd.api.Request request) {
        return Response.text("unreachable");
    }
}
