package dev.tasklife.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Phase;
import dev.tasklife.input.InvalidEventException;
import dev.tasklife.store.ListFilter;

class PageTokensTest {

    private static final PageTokens TOKENS = PageTokens.fromText("a-test-key-of-at-least-32-bytes-0123456789");
    private static final ListFilter FILTER = new ListFilter("arn:aws:ecs:us-west-2:111122223333:cluster/prod",
            "web", DesiredStatus.RUNNING, null);
    private static final PageTokens.Position POSITION = new PageTokens.Position(7, "task-42");

    private static String invalid(String token, ListFilter filter) {
        return assertThrows(InvalidEventException.class, () -> TOKENS.read(token, filter, 16)).getMessage();
    }

    @Test
    void aTokenNamesThePositionItWasIssuedFor() throws Exception {
        assertEquals(POSITION, TOKENS.read(TOKENS.issue(FILTER, POSITION), FILTER, 16));
        PageTokens.Position start = new PageTokens.Position(3, null);
        assertEquals(start, TOKENS.read(TOKENS.issue(FILTER, start), FILTER, 16));
    }

    @Test
    void anyFlippedByteIsRefused() {
        String token = TOKENS.issue(FILTER, POSITION);
        for (int i = 0; i < token.length(); i++) {
            char[] flipped = token.toCharArray();
            flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
            String forged = new String(flipped);
            if (!forged.equals(token)) {
                assertThrows(InvalidEventException.class, () -> TOKENS.read(forged, FILTER, 16), forged);
            }
        }
    }

    @Test
    void aPayloadChangedByTheCallerFailsTheMac() {
        String token = TOKENS.issue(FILTER, POSITION);
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("\"shard\":7", "\"shard\":9").getBytes(StandardCharsets.UTF_8))
                + token.substring(token.indexOf('.'));
        assertTrue(invalid(forged, FILTER).contains("forged or altered"));
    }

    @Test
    void aTokenOfAnotherKeyIsRefused() {
        String theirs = PageTokens.fromText("another-key-of-at-least-32-bytes-0123456789").issue(FILTER, POSITION);
        assertTrue(invalid(theirs, FILTER).contains("forged or altered"));
    }

    @Test
    void aTokenPassedWithOtherFiltersIsRefused() {
        String token = TOKENS.issue(FILTER, POSITION);
        assertTrue(invalid(token, new ListFilter(FILTER.cluster(), "web", DesiredStatus.STOPPED, null))
                .contains("other filters"));
        assertTrue(invalid(token, new ListFilter("other", "web", DesiredStatus.RUNNING, null))
                .contains("other filters"));
        assertTrue(invalid(token, new ListFilter(FILTER.cluster(), "web", DesiredStatus.RUNNING, Phase.RUNNING))
                .contains("other filters"));
    }

    @Test
    void truncatedOrNonBase64TokensAreRefused() {
        String token = TOKENS.issue(FILTER, POSITION);
        invalid(token.substring(0, token.length() - 4), FILTER);
        invalid(token.substring(0, token.indexOf('.')), FILTER);
        invalid("not base64!.also not", FILTER);
        invalid("", FILTER);
        invalid("x".repeat(PageTokens.MAX_TOKEN_LENGTH + 1), FILTER);
    }

    @Test
    void aShardTheIndexNoLongerHasIsRefused() {
        assertTrue(assertThrows(InvalidEventException.class,
                () -> TOKENS.read(TOKENS.issue(FILTER, POSITION), FILTER, 4)).getMessage().contains("shard"));
    }

    @Test
    void aShortKeyIsRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> PageTokens.fromText("short"));
    }
}
