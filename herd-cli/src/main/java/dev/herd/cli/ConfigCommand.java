package dev.herd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herd.cli.config.LayeredConfig;
import dev.herd.config.Config;
import dev.herd.config.Origin;
import dev.herd.config.Setting;
import dev.herd.config.Settings;
import dev.herd.os.ExitCode;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code herd config}: the configuration {@code herd serve} would run with, given the same options,
 * environment and file, and where each value comes from.
 */
final class ConfigCommand extends SettingsCommand {
    /** Longer values (the handlers' JVM options) run past the column rather than widen every line. */
    private static final int VALUE_COLUMN = 32;

    ConfigCommand(Map<String, String> environment) {
        super("config", "Show the configuration herd serve would run with, and where each value comes from.",
                environment);
        spec.addOption(OptionSpec.builder("--json")
                .arity("0")
                .type(boolean.class)
                .description("Print JSON instead of a table: each setting's name, value, origin, layer "
                        + "(default, file, environment, command line) and whether a reload applies it.")
                .build());
    }

    @Override
    int run(LayeredConfig source, Config config) {
        boolean json = spec.commandLine().getParseResult().hasMatchedOption("--json");
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? json(config) : table(config));
        out.flush();
        return ExitCode.OK.status();
    }

    /** One line per setting: name, value and origin aligned, and a mark on those a reload does not change. */
    static String table(Config config) {
        List<List<String>> rows = new ArrayList<>();
        for (Setting<?> s : Settings.SERVE) {
            rows.add(List.of(s.name(), value(config, s), origin(config, s), s.reloadable() ? "" : "needs restart"));
        }
        if (!config.programArgs().isEmpty()) {
            rows.add(List.of("--", String.join(" ", config.programArgs()), Origin.COMMAND_LINE.describe(), ""));
        }
        int[] widths = new int[3];
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        widths[1] = Math.min(widths[1], VALUE_COLUMN);
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i < widths.length ? pad(row.get(i), widths[i]) + "  " : row.get(i));
            }
            out.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return out.toString();
    }

    /** {@code settings[]} with name, value, origin (as the table says it), layer and reloadable; {@code args[]}. */
    static String json(Config config) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode settings = root.putArray("settings");
        for (Setting<?> s : Settings.SERVE) {
            Origin origin = config.origin(s);
            ObjectNode node = settings.addObject()
                    .put("name", s.name())
                    .put("value", value(config, s))
                    .put("origin", origin(config, s))
                    .put("layer", origin.layer());
            switch (origin) {
                case Origin.File file -> node.put("file", file.path().toString()).put("line", file.line());
                case Origin.Environment env -> node.put("variable", env.variable());
                case Origin.Default _, Origin.CommandLine _ -> { }
            }
            node.put("reloadable", s.reloadable());
        }
        ArrayNode args = root.putArray("args");
        config.programArgs().forEach(args::add);
        return root.toPrettyString() + System.lineSeparator();
    }

    /**
     * The value in force. It is the text given or defaulted, except for {@code --scaling}: when it
     * is not given, {@code --handlers} given alone selects static, and that is what serve runs;
     * and {@code --threads auto}, shown with the number it means here.
     */
    private static String value(Config config, Setting<?> s) {
        if (s == Settings.THREADS && config.get(Settings.THREADS) == Settings.AUTO_THREADS) {
            return "auto (" + Settings.threads(config, Runtime.getRuntime().availableProcessors()) + ")";
        }
        if (jarDefault(config, s)) {
            return Settings.handlerJvmOpts(config);
        }
        return impliedScaling(config, s) ? Settings.scaling(config).name().toLowerCase(Locale.ROOT) : config.text(s);
    }

    private static String origin(Config config, Setting<?> s) {
        if (jarDefault(config, s)) {
            return "default with --jar";
        }
        return impliedScaling(config, s)
                ? "implied by handlers (" + config.origin(Settings.HANDLERS).describe() + ")"
                : config.origin(s).describe();
    }

    private static boolean jarDefault(Config config, Setting<?> s) {
        return s == Settings.HANDLER_JVM_OPTS && !Settings.handlerJvmOpts(config).equals(config.get(s));
    }

    private static boolean impliedScaling(Config config, Setting<?> s) {
        return s == Settings.SCALING && Settings.scaling(config) != config.get(Settings.SCALING);
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
