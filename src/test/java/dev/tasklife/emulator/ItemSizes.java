package dev.tasklife.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB counts it ("Item sizes and formats" in the DynamoDB developer guide): each attribute's
 * name in UTF-8 bytes plus its value; strings in UTF-8 bytes, numbers 1 byte per two significant digits plus 1,
 * booleans and nulls 1, lists and maps 3 bytes plus 1 per element plus their contents (a map's keys included).
 * Writes cost one write unit per started kilobyte of the larger of the item before and after.
 */
public final class ItemSizes {

    private ItemSizes() {
    }

    public static int bytes(Map<String, AttributeValue> item) {
        return item.entrySet().stream().mapToInt(entry -> utf8(entry.getKey()) + bytes(entry.getValue())).sum();
    }

    private static int bytes(AttributeValue value) {
        return switch (value.type()) {
            case S -> utf8(value.s());
            case N -> number(value.n());
            case B -> value.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case SS -> value.ss().stream().mapToInt(ItemSizes::utf8).sum();
            case NS -> value.ns().stream().mapToInt(ItemSizes::number).sum();
            case BS -> value.bs().stream().mapToInt(bytes -> bytes.asByteArray().length).sum();
            case L -> 3 + value.l().stream().mapToInt(element -> 1 + bytes(element)).sum();
            case M -> 3 + value.m().entrySet().stream()
                    .mapToInt(entry -> 1 + utf8(entry.getKey()) + bytes(entry.getValue())).sum();
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("unknown attribute type: " + value);
        };
    }

    private static int number(String text) {
        String digits = text.replaceFirst("^-", "").replace(".", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
        return (digits.length() + 1) / 2 + 1;
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
