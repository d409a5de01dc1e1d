package dev.tasklife.it;

import java.net.URI;

import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The lifecycle scenarios against LocalStack in a container, where a Docker engine is available. The tag is
 * pinned to a community release that starts without a licence token.
 */
@EnabledIf(value = "dockerAvailable",
        disabledReason = "no Docker engine here: LocalStack suite skipped; the moto suite runs the same scenarios")
class LocalStackLifecycleIT extends LifecycleScenarios {

    static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

    private LocalStackContainer localStack;

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    URI startEmulator() {
        localStack = new LocalStackContainer(IMAGE);
        localStack.start();
        return localStack.getEndpoint();
    }

    @Override
    void stopEmulator() {
        if (localStack != null) {
            localStack.stop();
        }
    }
}
