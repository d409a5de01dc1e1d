package dev.tasklife.it;

import java.net.URI;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Every scenario suite against LocalStack in a container, where a Docker engine is available. The tag is pinned
 * to a community release that starts without a licence token.
 */
@EnabledIf(value = "dockerAvailable",
        disabledReason = "no Docker engine here: LocalStack suites skipped; MotoIT runs the same scenarios")
class LocalStackIT {

    static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

    private static LocalStackContainer localStack;

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @BeforeAll
    static void startLocalStack() {
        localStack = new LocalStackContainer(IMAGE);
        localStack.start();
    }

    @AfterAll
    static void stopLocalStack() {
        if (localStack != null) {
            localStack.stop();
        }
    }

    @Nested
    class Lifecycle extends LifecycleScenarios {
        @Override
        URI endpoint() {
            return localStack.getEndpoint();
        }
    }

    @Nested
    class Orchestration extends OrchestrationScenarios {
        @Override
        URI endpoint() {
            return localStack.getEndpoint();
        }
    }

    @Nested
    class SweepCost extends SweepCostScenarios {
        @Override
        URI endpoint() {
            return localStack.getEndpoint();
        }
    }
}
