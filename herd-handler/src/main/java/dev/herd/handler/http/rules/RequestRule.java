package dev.herd.handler.http.rules;

import dev.herd.handler.http.RequestRejected;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;

/**
 * One rule of RFC 9110/9112 that a request head must keep, as a stage of the pipeline between the
 * codec and the exchange: a head the codec parsed is checked (and may be put in canonical form);
 * a head that breaks the rule is passed on failed, with a {@link RequestRejected} that says the
 * status and why, and the exchange answers it and closes the connection. Body pieces and heads
 * that already failed pass untouched. Rules hold no state, so one instance serves every connection.
 */
@ChannelHandler.Sharable
public abstract sealed class RequestRule extends ChannelInboundHandlerAdapter
        permits FramingRule, HostRule, TargetRule, VersionRule {

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest head && head.decoderResult().isSuccess()) {
            RequestRejected broken = check(head);
            if (broken != null) {
                head.setDecoderResult(DecoderResult.failure(broken));
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Why {@code head} breaks this rule, or null when it keeps it (possibly after rewriting it). */
    abstract RequestRejected check(HttpRequest head);

    /** The rules in the order they run: each may rely on the ones before it. */
    public static RequestRule[] all() {
        return new RequestRule[] {VersionRule.INSTANCE, HostRule.INSTANCE, TargetRule.INSTANCE, FramingRule.INSTANCE};
    }
}
