package dev.tasklife.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/** lifecycle.md, "Ids the service makes are ids it accepts": replacement ids from real Marathon app ids. */
class TaskIdsTest {

    private static final UUID RANDOM = UUID.fromString("7c1e6d4a-8b3f-4e2a-9c5d-0f1e2d3c4b5a");

    @Test
    void aMarathonAppIdNamesItsReplacementsAsMarathonNamesItsTasks() {
        assertEquals("prod_web.7c1e6d4a-8b3f-4e2a-9c5d-0f1e2d3c4b5a", TaskIds.replacementId("/prod/web", RANDOM));
        assertEquals("a_b-c_d.e.7c1e6d4a-8b3f-4e2a-9c5d-0f1e2d3c4b5a", TaskIds.replacementId("/a/b-c/d.e", RANDOM));
        assertEquals("webapp.7c1e6d4a-8b3f-4e2a-9c5d-0f1e2d3c4b5a", TaskIds.replacementId("webapp", RANDOM));
    }

    @Test
    void aLongAppIdMakesAValidIdAndAServiceOfNoLetterOrDigitMakesNone() {
        String longId = "/" + "a".repeat(120) + "/" + "b-c".repeat(44) + "xy";
        assertEquals(256, longId.length());
        String id = TaskIds.replacementId(longId, RANDOM);
        assertTrue(TaskIds.isValid(id), id);
        assertTrue(id.length() <= TaskIds.MAX_LENGTH);
        assertNull(TaskIds.replacementPrefix("/"));
        assertNull(TaskIds.replacementPrefix("__.--"));
        assertNull(TaskIds.replacementPrefix("/\u00e9\u00e8"));
    }

    @Property
    void everyServiceThatMakesAPrefixMakesIdsTheServiceAccepts(@ForAll @StringLength(max = 1600) String service) {
        if (TaskIds.replacementPrefix(service) != null) {
            String id = TaskIds.replacementId(service, UUID.randomUUID());
            assertTrue(TaskIds.isValid(id), () -> "'" + service + "' makes " + id);
        }
    }
}
