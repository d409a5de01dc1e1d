package dev.tasklife.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Phase;
import dev.tasklife.input.InvalidEventException;
import dev.tasklife.input.JsonFields;
import dev.tasklife.store.ListFilter;

/**
 * A list's {@code nextToken}: where the next page starts (the shard, the last task id read in it) and the filters
 * the token was issued for, as JSON, then an HMAC-SHA256 of that JSON under a key of the service's:
 * {@code base64url(json) "." base64url(mac)}. The caller can read it but not make one: a forged, altered or cut
 * token, or one from another key, fails the MAC (compared in constant time); one passed with other filters than
 * it was issued for is refused too. Either is INVALID.
 */
public final class PageTokens {

    /** The shortest key taken: HMAC-SHA256's own block of output, 32 bytes. */
    public static final int MIN_KEY_BYTES = 32;
    /** A token is far shorter; anything longer is not one of ours. */
    public static final int MAX_TOKEN_LENGTH = 4096;
    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final int FORMAT = 1;

    /** Where a page starts: a shard of the list index, and the task id to go on after in it (null: its start). */
    public record Position(int shard, String afterTaskId) {
    }

    private final SecretKeySpec key;

    public PageTokens(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the page-token key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key, MAC_ALGORITHM);
    }

    public String issue(ListFilter filter, Position position) {
        ObjectNode token = JsonNodeFactory.instance.objectNode();
        token.put("v", FORMAT);
        token.put("shard", position.shard());
        token.put("after", position.afterTaskId());
        ObjectNode filters = token.putObject("filter");
        filters.put("cluster", filter.cluster());
        filters.put("serviceName", filter.serviceName());
        TaskDescriptions.putName(filters, "desiredStatus", filter.desiredStatus());
        TaskDescriptions.putName(filters, "lastStatus", filter.lastStatus());
        byte[] payload;
        try {
            payload = JsonFields.mapper().writeValueAsBytes(token);
        } catch (IOException e) {
            throw new IllegalStateException("a token's JSON could not be written", e);
        }
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString(payload) + "." + base64.encodeToString(mac(payload));
    }

    /** The position a token names, if this service issued it for these very filters and {@code shards} still holds. */
    public Position read(String token, ListFilter filter, int shards) throws InvalidEventException {
        int dot = token.indexOf('.');
        if (token.length() > MAX_TOKEN_LENGTH || dot < 0) {
            throw new InvalidEventException("nextToken is not a token this service issued");
        }
        byte[] payload = canonicalBase64(token.substring(0, dot));
        byte[] mac = canonicalBase64(token.substring(dot + 1));
        if (!MessageDigest.isEqual(mac(payload), mac)) {
            throw new InvalidEventException("nextToken is not a token this service issued (forged or altered)");
        }
        // Signed by us: what follows can only fail for a token of an older format.
        JsonNode parsed;
        try {
            parsed = JsonFields.mapper().readTree(payload);
        } catch (IOException e) {
            throw new InvalidEventException("nextToken is of an unknown format");
        }
        if (parsed == null || parsed.path("v").asInt() != FORMAT) {
            throw new InvalidEventException("nextToken is of an unknown format");
        }
        JsonNode filters = parsed.path("filter");
        ListFilter issuedFor = new ListFilter(filters.path("cluster").textValue(),
                filters.path("serviceName").textValue(),
                filters.path("desiredStatus").isTextual() ? DesiredStatus.valueOf(filters.path("desiredStatus").asText())
                        : null,
                filters.path("lastStatus").isTextual() ? Phase.valueOf(filters.path("lastStatus").asText()) : null);
        if (!Objects.equals(issuedFor, filter)) {
            throw new InvalidEventException("nextToken was issued for other filters (cluster, serviceName,"
                    + " desiredStatus, lastStatus must stay the same from page to page)");
        }
        int shard = parsed.path("shard").asInt(-1);
        if (shard < 0 || shard >= shards) {
            throw new InvalidEventException("nextToken names a shard the list index no longer has");
        }
        return new Position(shard, parsed.path("after").textValue());
    }

    /**
     * The bytes of unpadded base64url text that is exactly what {@link #issue} writes for them: the decoder alone
     * would also take other spellings (unused low bits set), and a token is to have one spelling only.
     */
    private static byte[] canonicalBase64(String text) throws InvalidEventException {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(text);
            if (Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(text)) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // Not base64 at all: refused below, as a mis-spelt one is.
        }
        throw new InvalidEventException("nextToken is not a token this service issued");
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC_ALGORITHM + " is not available", e);
        }
    }

    /** The key as configured: its text's UTF-8 bytes (a secret of 32 or more random characters). */
    public static PageTokens fromText(String key) {
        return new PageTokens(key.getBytes(StandardCharsets.UTF_8));
    }
}
