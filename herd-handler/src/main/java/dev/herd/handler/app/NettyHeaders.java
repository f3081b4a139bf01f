package dev.herd.handler.app;

import dev.herd.api.Headers;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A request's Netty headers seen through the API's {@link Headers}, without copying them. */
record NettyHeaders(HttpHeaders headers) implements Headers {

    @Override
    public Optional<String> first(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    @Override
    public List<String> all(String name) {
        return List.copyOf(headers.getAll(name));
    }

    @Override
    public boolean contains(String name) {
        return headers.contains(name);
    }

    @Override
    public int size() {
        return headers.size();
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return headers.iteratorAsString();
    }
}
