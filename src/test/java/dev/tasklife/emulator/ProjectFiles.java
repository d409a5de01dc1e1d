package dev.tasklife.emulator;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's own files (template.yaml, events/, infra/), found from wherever the build or a test runs. */
public final class ProjectFiles {

    private ProjectFiles() {
    }

    /** The directory holding template.yaml: the working directory or the nearest one above it. */
    public static Path root() {
        Path directory = Path.of("").toAbsolutePath();
        for (Path candidate = directory; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("template.yaml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no template.yaml in " + directory + " or above it");
    }

    public static Path resolve(String first, String... more) {
        return root().resolve(Path.of(first, more));
    }
}
