package dev.herd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code herd docs}: checks, or with {@code --write} regenerates, the options reference in docs/configuration.md.
 * For developers.
 */
@Command(name = "docs", hidden = true, mixinStandardHelpOptions = true,
        description = "Check the options reference in docs/configuration.md (between its options markers) "
                + "against the declarations in Settings.java; with --write, regenerate it.")
final class DocsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--write", description = "Rewrite the files that differ.")
    boolean write;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = ".",
            description = "The repository's root. Default: ${DEFAULT-VALUE}.")
    Path root;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<Path, String> files;
        try {
            files = OptionsReference.files(root);
        } catch (IOException | IllegalStateException e) {
            spec.commandLine().getErr().println("herd docs: " + e.getMessage()
                    + " (run from the repository's root, or give --root)");
            return 2;
        }
        int stale = 0;
        for (Map.Entry<Path, String> file : files.entrySet()) {
            Path path = root.resolve(file.getKey());
            try {
                if (Files.exists(path) && Files.readString(path).equals(file.getValue())) {
                    continue;
                }
                if (write) {
                    Files.createDirectories(path.toAbsolutePath().getParent());
                    Files.writeString(path, file.getValue());
                    out.println("wrote " + file.getKey());
                } else {
                    out.println(file.getKey() + " differs from the declarations: run " + OptionsReference.COMMAND);
                    stale++;
                }
            } catch (IOException e) {
                spec.commandLine().getErr().println("herd docs: " + path + ": " + e.getMessage());
                return 1;
            }
        }
        out.flush();
        return stale == 0 ? 0 : 1;
    }
}
