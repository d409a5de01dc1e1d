package dev.tasklife.it;

import java.net.URI;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

import dev.tasklife.emulated.MotoServer;

/** Every scenario suite against one moto (DynamoDB, EventBridge, SQS) on 127.0.0.1, started and stopped here. */
class MotoIT {

    private static MotoServer moto;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @Nested
    class Lifecycle extends LifecycleScenarios {
        @Override
        URI endpoint() {
            return moto.endpoint();
        }
    }

    @Nested
    class Orchestration extends OrchestrationScenarios {
        @Override
        URI endpoint() {
            return moto.endpoint();
        }
    }

    @Nested
    class SweepCost extends SweepCostScenarios {
        @Override
        URI endpoint() {
            return moto.endpoint();
        }
    }

    @Nested
    class Hostile extends HostileScenarios {
        @Override
        URI endpoint() {
            return moto.endpoint();
        }
    }

    @Nested
    class VerdictCoverage extends VerdictCoverageScenarios {
        @Override
        URI endpoint() {
            return moto.endpoint();
        }
    }

    @Nested
    class Faults extends FaultScenarios {
        @Override
        URI endpoint() {
            return moto.endpoint();
        }
    }
}
