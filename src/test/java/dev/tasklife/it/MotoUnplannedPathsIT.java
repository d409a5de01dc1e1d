package dev.tasklife.it;

import dev.tasklife.profiles.OnMoto;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link UnplannedPathsScenarios} through the functions' CDI wiring, against moto (see {@link OnMoto}). */
@QuarkusTest
@TestProfile(OnMoto.class)
class MotoUnplannedPathsIT extends UnplannedPathsScenarios {
}
