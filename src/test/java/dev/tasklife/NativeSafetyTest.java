package dev.tasklife;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The native image needs no reflection configuration for our own types because nothing reflects on them: JSON goes
 * through Jackson's tree model only, DynamoDB through the low-level client with expressions (no enhanced-client
 * schemas), and nothing is loaded by name. This keeps it so.
 */
class NativeSafetyTest {

    /** Jackson data binding and run-time class loading: the calls that would need reflection registration. */
    private static final Pattern REFLECTIVE = Pattern.compile(
            "\\.readValue\\(|\\.convertValue\\(|\\.valueToTree\\(|\\.treeToValue\\(|Class\\.forName\\("
                    + "|\\.getDeclared(Field|Method|Constructor)s?\\(|DynamoDbEnhancedClient|TableSchema\\.from");

    @Test
    void mainCodeUsesNothingThatNeedsReflectionRegistration() throws IOException {
        List<String> offenders;
        try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
            offenders = sources.filter(path -> path.toString().endsWith(".java")).flatMap(path -> {
                try {
                    return Files.readAllLines(path).stream().filter(line -> REFLECTIVE.matcher(line).find())
                            .map(line -> path + ": " + line.strip());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
        assertEquals(List.of(), offenders);
    }
}
