package dev.herd.handler;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;

/** What a pipeline under test wrote, for tests of any protocol. */
public final class Outbound {
    private Outbound() {
    }

    /** Everything written so far, as ISO-8859-1 text; each buffer is released. */
    public static String text(EmbeddedChannel ch) {
        StringBuilder raw = new StringBuilder();
        for (Object msg; (msg = ch.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                raw.append(buf.toString(StandardCharsets.ISO_8859_1));
            } finally {
                buf.release();
            }
        }
        return raw.toString();
    }
}
