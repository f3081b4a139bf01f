package dev.herd.spawner.scaling;

/** Exactly {@code --handlers}, whatever the load. */
public record StaticPolicy(int handlers) implements ScalingPolicy {

    @Override
    public Decision decide(PoolSnapshot s) {
        return new Decision(handlers, handlers == s.target() ? "static" : s.target() + " → " + handlers + ": static");
    }

    @Override
    public String name() {
        return "static";
    }
}
