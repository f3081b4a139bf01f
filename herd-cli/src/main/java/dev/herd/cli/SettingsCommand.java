package dev.herd.cli;

import dev.herd.cli.config.LayeredConfig;
import dev.herd.config.Config;
import dev.herd.config.Setting;
import dev.herd.config.Settings;
import dev.herd.os.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A command that takes the options of {@code herd serve} ({@code herd serve} itself, {@code herd
 * config}): they are generated from the declarations in {@link Settings} (name, placeholder,
 * default and description live there once), and the command runs with the configuration they,
 * the environment and the {@code --config} file give.
 */
abstract class SettingsCommand implements Callable<Integer> {
    final CommandSpec spec;
    private final Map<String, String> environment;

    /** @param environment where {@code HERD_*} settings are read from (tests pass their own) */
    SettingsCommand(String name, String description, Map<String, String> environment) {
        this.spec = CommandSpec.wrapWithoutInspection(this);
        this.environment = environment;
        spec.name(name);
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage().description(description).sortOptions(false);
        addSettingOptions(spec);
    }

    /**
     * Runs once the configuration is loaded and valid.
     *
     * @param source what it was loaded from, to load again on reload
     * @return the exit status
     */
    abstract int run(LayeredConfig source, Config config);

    final CommandLine commandLine() {
        return new CommandLine(spec);
    }

    /** Loads the configuration, or reports on stderr why it is refused and exits with status 2. */
    @Override
    public final Integer call() {
        LayeredConfig source = source();
        PrintWriter err = spec.commandLine().getErr();
        source.warnings().forEach(warning -> err.println("herd: warning: " + warning));
        Config config;
        try {
            config = source.load();
        } catch (IllegalArgumentException e) {
            err.println("herd: " + e.getMessage());
            return ExitCode.CONFIG.status();
        }
        return run(source, config);
    }

    /** One option per setting of {@link Settings#SERVE}, and the program arguments after {@code --}. */
    private static void addSettingOptions(CommandSpec spec) {
        spec.addPositional(PositionalParamSpec.builder()
                .paramLabel("ARGS")
                .index("0..*")
                .arity("0..*")
                .type(List.class)
                .auxiliaryTypes(String.class)
                .description("After '--': arguments passed to the application unchanged (its main(String[]) "
                        + "with --main, HandlerContext.args() with --app).")
                .build());
        for (Setting<?> setting : Settings.SERVE) {
            OptionSpec.Builder option = OptionSpec.builder(setting.option())
                    .paramLabel(setting.label())
                    .description(setting.doc() + (setting.reloadable() ? "" : " Not changed by a reload.")
                            + (repeatable(setting) ? " May be repeated." : "")
                            + " Default: " + (setting.defaultText().isEmpty() ? "none" : setting.defaultText()) + ".");
            if (repeatable(setting)) {
                // Each occurrence adds to the list: --tls-cert a.pem --tls-cert b.pem.
                option.type(List.class).auxiliaryTypes(String.class).arity("1")
                        .converters(text -> validated(setting, text));
            } else {
                option.type(String.class).converters(text -> validated(setting, text))
                        .defaultValue(setting.defaultText());
            }
            spec.addOption(option.build());
        }
        spec.usageMessage().footer("",
                "Every option can also be given in the environment as HERD_ and its name in upper case "
                        + "with '_' for '-' (HERD_MAX_HANDLERS=4), or in the --config file under its name "
                        + "(max-handlers = 4). The command line wins over the environment, the environment over "
                        + "the file. Reference: docs/configuration.md.");
    }

    /** A list (of paths, of addresses, of words): each occurrence of the option adds its own. */
    private static boolean repeatable(Setting<?> setting) {
        return setting.kind().separator() != null;
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

    /** The layers the parsed options and the environment give. */
    private LayeredConfig source() {
        Map<Setting<?>, String> given = new LinkedHashMap<>();
        for (Setting<?> setting : Settings.SERVE) {
            OptionSpec option = spec.findOption(setting.option());
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                given.put(setting, repeatable(setting)
                        ? String.join(setting.kind().separator(), option.<List<String>>getValue())
                        : option.getValue());
            }
        }
        List<String> programArgs = spec.positionalParameters().getFirst().getValue();
        return new LayeredConfig(given, programArgs == null ? List.of() : programArgs, environment);
    }
}
