package dev.tasklife;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.tasklife.emulator.ProjectFiles;

/**
 * docs/lifecycle.md is the contract as the team shares it (../shared/spec/lifecycle.md beside the repository, where a
 * checkout has it): the copy in the repository is the same, word for word.
 */
class VendoredContractTest {

    @Test
    void theVendoredContractIsTheSharedOne() throws IOException {
        Path shared = ProjectFiles.root().resolve("../shared/spec/lifecycle.md").normalize();
        assumeTrue(Files.isRegularFile(shared), "no shared spec beside this checkout (" + shared + ")");
        assertEquals(Files.readString(shared), Files.readString(ProjectFiles.resolve("docs", "lifecycle.md")),
                "docs/lifecycle.md differs from " + shared + ": copy the contract again");
    }
}
