package dev.herd.examples.hello;

import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;

/**
 * Hello world on a virtual thread per request (herd's default dispatch): beside {@link HelloLoop},
 * it measures what the hand-off to a virtual thread and back costs.
 *
 * <pre>./herd serve --app dev.herd.examples.hello.HelloVirtual --classpath examples/hello/target/hello.jar</pre>
 */
public final class HelloVirtual implements HttpApp {

    @Override
    public Response handle(Request request) {
        return Hello.answer(request);
    }
}
