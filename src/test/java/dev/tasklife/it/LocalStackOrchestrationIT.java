package dev.tasklife.it;

import org.junit.jupiter.api.condition.EnabledIf;

import dev.tasklife.profiles.OnMoto;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link OrchestrationScenarios} through the same CDI wiring against LocalStack in a container, where Docker runs. */
@QuarkusTest
@TestProfile(OnMoto.OnLocalStack.class)
@EnabledIf(value = "dev.tasklife.profiles.OnMoto#dockerAvailable",
        disabledReason = "no Docker engine here: LocalStack suites skipped; the Moto*IT suites run the same scenarios")
class LocalStackOrchestrationIT extends OrchestrationScenarios {
}
