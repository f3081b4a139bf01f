package dev.herd.examples.jersey;

import com.sun.net.httpserver.HttpServer;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.jdkhttp.JdkHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

import java.net.URI;

/**
 * A JAX-RS application served by Jersey on the JDK's HttpServer, as its documentation sets one up:
 * nothing here knows herd, which runs it unmodified with {@code --main}.
 *
 * <pre>
 * java -cp 'examples/jersey/target/jersey.jar:examples/jersey/target/lib/*' dev.herd.examples.jersey.Main 8000
 * ./herd serve --main dev.herd.examples.jersey.Main --classpath 'examples/jersey/target/jersey.jar:examples/jersey/target/lib/*'
 * </pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
        HttpServer server = start(port);
        System.out.println("Jersey listening on port " + server.getAddress().getPort());
    }

    /** Creates and starts the server; port 0 takes any free port, which {@code getAddress()} tells. */
    public static HttpServer start(int port) {
        return JdkHttpServerFactory.createHttpServer(URI.create("http://0.0.0.0:" + port + "/"), config());
    }

    static ResourceConfig config() {
        return new ResourceConfig(ExampleResource.class, ItemResource.class)
                .register(JacksonFeature.class)
                // WADL needs a JAXB implementation this application does not ship; without this,
                // Jersey warns at every start that it turned WADL off.
                .property(ServerProperties.WADL_FEATURE_DISABLE, true);
    }
}
