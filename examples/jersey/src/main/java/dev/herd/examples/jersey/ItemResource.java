package dev.herd.examples.jersey;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/** A fixed catalogue, as JSON through Jackson (jersey-media-json-jackson). */
@Path("/items")
public class ItemResource {

    /** An item of the catalogue. */
    public record Item(long id, String name, List<String> tags) {
    }

    private static final Map<Long, Item> CATALOGUE = Map.of(
            1L, new Item(1, "kettle", List.of("kitchen")),
            2L, new Item(2, "lamp", List.of("light", "desk")),
            3L, new Item(3, "rope", List.of()));

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Item item(@PathParam("id") long id) {
        Item item = CATALOGUE.get(id);
        if (item == null) {
            throw new NotFoundException("no item " + id);
        }
        return item;
    }
}
