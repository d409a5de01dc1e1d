package dev.tasklife.it;

import dev.tasklife.profiles.OnMoto;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link DescribeScenarios} through the functions' CDI wiring, against moto on 127.0.0.1 (see {@link OnMoto}). */
@QuarkusTest
@TestProfile(OnMoto.class)
class MotoDescribeIT extends DescribeScenarios {
}
