package dev.tasklife;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.tasklife.emulator.ProjectFiles;

/**
 * Each default of the lifecycle policy has one home, application.properties: template.yaml hands the functions a
 * value only when a deployment gives one, and no other production file spells a default.
 */
class PolicyDefaultsTest {

    private static final Path APPLICATION_PROPERTIES = Path.of("src", "main", "resources", "application.properties");

    /** The policy's settings and the template parameters a deployment overrides them with. */
    private static final Map<String, String> PARAMETERS = Map.of(
            "tasklife.inactive-after-seconds", "InactiveAfterSeconds",
            "tasklife.expunge-after-seconds", "ExpungeAfterSeconds",
            "tasklife.step-timeout-seconds", "StepTimeoutSeconds",
            "tasklife.tombstone-seconds", "TombstoneSeconds");

    /** A setting taken from an environment variable when it is set, else from its default: ${NAME:default}. */
    private static final Pattern FROM_ENVIRONMENT = Pattern.compile("\\$\\{(\\w+):(\\d+)}");

    /** A whole number, or a product of them as a default would be spelled in code (7 * 24 * 3600). */
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])\\d[\\d_]*L?(?:\\s*\\*\\s*\\d[\\d_]*L?)*(?![\\w.])");

    @Test
    void theTemplateSetsAPolicyVariableOnlyWhenADeploymentGivesAValue() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(APPLICATION_PROPERTIES)) {
            properties.load(in);
        }
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(ProjectFiles.resolve("template.yaml").toFile());
        JsonNode variables = template.at("/Globals/Function/Environment/Variables");
        PARAMETERS.forEach((setting, parameter) -> {
            Matcher fromEnvironment = FROM_ENVIRONMENT.matcher(properties.getProperty(setting));
            assertTrue(fromEnvironment.matches(), setting + " has its default in application.properties");
            JsonNode declared = template.at("/Parameters/" + parameter);
            assertEquals("", declared.path("Default").textValue(), parameter + " defaults to the functions' default");
            // The YAML reader drops the short-form tags: !If [HasX, !Ref X, !Ref AWS::NoValue].
            JsonNode variable = variables.path(fromEnvironment.group(1));
            assertEquals(3, variable.size(), variable.toString());
            assertEquals(parameter, variable.get(1).asText());
            assertEquals("AWS::NoValue", variable.get(2).asText(), "unset when the parameter is empty");
            assertEquals("[[\"" + parameter + "\",\"\"]]", template.at("/Conditions/" + variable.get(0).asText())
                    .toString(), "the condition is: the parameter is not empty");
        });
    }

    @Test
    void noOtherProductionFileSpellsAPolicyDefault() throws IOException {
        // 0 (replace at once) and other small numbers are everywhere; the defaults of a minute or more are not.
        Set<BigInteger> defaults = LongStream.of(Fixtures.POLICY.inactiveAfterSeconds(),
                        Fixtures.POLICY.expungeAfterSeconds(), Fixtures.POLICY.tombstoneSeconds(),
                        Fixtures.POLICY.stepTimeoutSeconds())
                .filter(seconds -> seconds >= 60).mapToObj(BigInteger::valueOf).collect(Collectors.toSet());
        List<Path> files;
        try (Stream<Path> main = Files.walk(Path.of("src", "main"))) {
            files = Stream.concat(main.filter(Files::isRegularFile), Stream.of(ProjectFiles.resolve("template.yaml"))).toList();
        }
        List<String> spelled = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < lines.size(); i++) {
                Matcher number = NUMBER.matcher(lines.get(i));
                while (number.find()) {
                    if (defaults.contains(valueOf(number.group()))) {
                        spelled.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(defaults.size(), spelled.size(), "each default spelled once: " + spelled);
        assertTrue(spelled.stream().allMatch(place -> place.startsWith(APPLICATION_PROPERTIES + ":")),
                "only in application.properties: " + spelled);
    }

    private static BigInteger valueOf(String product) {
        BigInteger value = BigInteger.ONE;
        for (String factor : product.split("\\*")) {
            value = value.multiply(new BigInteger(factor.strip().replace("_", "").replace("L", "")));
        }
        return value;
    }
}
