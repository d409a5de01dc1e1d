package dev.tasklife.profiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

import dev.tasklife.emulator.EmulatedStack;
import dev.tasklife.emulator.FaultProxy;
import dev.tasklife.emulator.MotoServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The functions, wired by CDI as deployed, against moto: moto is started with template.yaml's resources, and the
 * functions' DynamoDB and EventBridge clients are pointed (by configuration only) at a proxy in front of it that
 * counts their requests and injects faults. Only what a deployment sets differently is configured here.
 */
public class OnMoto implements QuarkusTestProfile {

    /** What one boot's emulator holds; the suites reach it through {@link LifecycleStack}. */
    public record Emulator(AutoCloseable process, FaultProxy proxy, EmulatedStack stack) {
    }

    private static volatile Emulator current;

    public static Emulator current() {
        if (current == null) {
            throw new IllegalStateException("the emulator is started by a @QuarkusTest with @TestProfile(OnMoto...)");
        }
        return current;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Moto.class));
    }

    /** The same, for a suite that loads moto heavily: fewer attempts, each allowed more time. */
    public static class Patiently extends OnMoto {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tasklife.aws.max-attempts", "3", "tasklife.aws.attempt-timeout", "20S",
                    "tasklife.aws.call-timeout", "60S",
                    "quarkus.dynamodb.api-call-attempt-timeout", "20S", "quarkus.dynamodb.api-call-timeout", "60S");
        }
    }

    /**
     * Whether a Docker engine answers on its usual socket, for the LocalStack suites (asked directly: a test
     * condition runs before Quarkus has set up the class loading that Testcontainers' own check needs).
     */
    public static boolean dockerAvailable() {
        try (SocketChannel docker = SocketChannel.open(UnixDomainSocketAddress.of("/var/run/docker.sock"))) {
            docker.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(64);
            docker.read(answer);
            return new String(answer.array(), StandardCharsets.US_ASCII).contains(" 200 ");
        } catch (IOException | RuntimeException noEngine) {
            return false;
        }
    }

    /** The same scenarios on LocalStack in a container, where a Docker engine runs. */
    public static class OnLocalStack extends OnMoto {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalStack.class));
        }
    }

    public static class Moto implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            try {
                MotoServer moto = MotoServer.start();
                return configure(moto, moto.endpoint());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("moto could not be started", e);
            }
        }

        @Override
        public void stop() {
            OnMoto.stop();
        }
    }

    public static class LocalStack implements QuarkusTestResourceLifecycleManager {

        /** A community release that starts without a licence token. */
        static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

        @Override
        public Map<String, String> start() {
            LocalStackContainer localStack = new LocalStackContainer(IMAGE);
            localStack.start();
            try {
                return configure(localStack, localStack.getEndpoint());
            } catch (IOException e) {
                localStack.stop();
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            OnMoto.stop();
        }
    }

    /** The stack made on the emulator, and the functions' configuration pointing at the proxy in front of it. */
    private static Map<String, String> configure(AutoCloseable process, URI emulator) throws IOException {
        FaultProxy proxy = new FaultProxy(emulator);
        EmulatedStack stack = EmulatedStack.create(emulator);
        current = new Emulator(process, proxy, stack);
        String endpoint = proxy.endpoint().toString();
        Map<String, String> config = new HashMap<>();
        config.put("tasklife.table-name", stack.tableName);
        config.put("tasklife.event-bus-name", stack.busName);
        config.put("tasklife.story.archive-arn", stack.archiveArn);
        config.put("quarkus.dynamodb.endpoint-override", endpoint);
        config.put("quarkus.dynamodb.aws.region", EmulatedStack.REGION);
        config.put("quarkus.dynamodb.aws.credentials.type", "static");
        config.put("quarkus.dynamodb.aws.credentials.static-provider.access-key-id", EmulatedStack.ACCESS_KEY);
        config.put("quarkus.dynamodb.aws.credentials.static-provider.secret-access-key",
                EmulatedStack.SECRET_KEY);
        for (String client : List.of("tasklife.eventbridge.", "tasklife.ecs.")) {
            config.put(client + "endpoint-override", endpoint);
            config.put(client + "aws.region", EmulatedStack.REGION);
            config.put(client + "aws.credentials.type", "static");
            config.put(client + "aws.credentials.static-provider.access-key-id", EmulatedStack.ACCESS_KEY);
            config.put(client + "aws.credentials.static-provider.secret-access-key", EmulatedStack.SECRET_KEY);
        }
        return config;
    }

    private static void stop() {
        Emulator emulator = current;
        current = null;
        if (emulator != null) {
            emulator.stack().close();
            emulator.proxy().close();
            try {
                emulator.process().close();
            } catch (Exception e) {
                throw new IllegalStateException("the emulator did not stop", e);
            }
        }
    }
}
