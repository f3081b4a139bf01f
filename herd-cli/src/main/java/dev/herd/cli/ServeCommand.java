package dev.herd.cli;

import dev.herd.config.Config;
import dev.herd.config.Setting;
import dev.herd.config.Settings;
import dev.herd.spawner.Server;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.concurrent.Callable;

/**
 * {@code herd serve}. Its options are generated from the declarations in {@link Settings}: name,
 * placeholder, default and description live there once.
 */
final class ServeCommand implements Callable<Integer> {
    private final CommandSpec spec;

    private ServeCommand() {
        this.spec = CommandSpec.wrapWithoutInspection(this);
    }

    static CommandLine commandLine() {
        ServeCommand command = new ServeCommand();
        CommandSpec spec = command.spec;
        spec.name("serve");
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage()
                .description("Bind the address, start the handler processes and serve until stopped "
                        + "(SIGTERM, SIGINT, herd stop).")
                .sortOptions(false);
        spec.addPositional(CommandLine.Model.PositionalParamSpec.builder()
                .paramLabel("ARGS")
                .index("0..*")
                .arity("0..*")
                .type(java.util.List.class)
                .auxiliaryTypes(String.class)
                .description("After '--': arguments passed to the application unchanged (its main(String[]) "
                        + "with --main, HandlerContext.args() with --app).")
                .build());
        for (Setting<?> setting : Settings.SERVE) {
            spec.addOption(OptionSpec.builder(setting.option())
                    .paramLabel(setting.label())
                    .type(String.class)
                    .converters(text -> validated(setting, text))
                    .defaultValue(setting.defaultText())
                    .description(setting.doc() + " Default: " + setting.defaultText() + ".")
                    .build());
        }
        return new CommandLine(spec);
    }

    /** Checks the value at parse time, so a bad one is reported as picocli reports usage errors (exit 2). */
    private static String validated(Setting<?> setting, String text) {
        try {
            setting.parse(text);
            return text;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + text + "': " + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        Config.Builder config = Config.builder();
        for (Setting<?> setting : Settings.SERVE) {
            OptionSpec option = spec.findOption(setting.option());
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                config.set(setting, option.getValue());
            }
        }
        java.util.List<String> programArgs = spec.positionalParameters().getFirst().getValue();
        config.programArgs(programArgs == null ? java.util.List.of() : programArgs);
        Config built = config.build();
        try {
            Settings.validate(built);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return Server.serve(built, () -> built, System.err).status();
    }
}
