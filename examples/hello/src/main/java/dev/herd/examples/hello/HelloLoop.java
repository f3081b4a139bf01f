package dev.herd.examples.hello;

import dev.herd.api.Dispatch;
import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;

/**
 * Hello world on the event loop: the fastest way herd can answer, for code that never blocks.
 *
 * <pre>./herd serve --app dev.herd.examples.hello.HelloLoop --classpath examples/hello/target/hello.jar</pre>
 */
public final class HelloLoop implements HttpApp {

    @Override
    public Response handle(Request request) {
        return Hello.answer(request);
    }

    @Override
    public Dispatch dispatch() {
        return Dispatch.EVENT_LOOP;
    }
}
